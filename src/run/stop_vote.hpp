// Agree to stop, the phase between scan and merge: after the scan, every rank learns whether the
// run stops here. It stops when some rank got a stop signal (or the coordinator stopped handing
// out shards for one) and not every shard is finished; a signal that comes once every shard is
// done lets the run complete. The shards finished are saved already (the checkpoint).
#pragma once

#include "parallel/communicator.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace finseg {

struct StopDecision {
  bool stop = false;
  std::uint64_t finished = 0;  // shards this run's ranks finished, all ranks together
};

// Every rank (collective; one all-reduce): `stop_seen` and `finished` are this rank's; `resumed`
// shards were finished by an earlier run; `total` shards make the run.
StopDecision agree_to_stop(Communicator& comm, bool stop_seen, std::uint64_t finished, std::uint64_t resumed, std::uint64_t total);

// The same vote in one all-gather that also brings every rank's `payload` to every rank
// (`payloads`, in rank order): what the next phase needs of each rank travels with the vote
// instead of in a collective of its own (each one more wait for the slowest rank; run/batch_run.cpp
// sends the partial files' headers for the merge).
StopDecision agree_to_stop(Communicator& comm, bool stop_seen, std::uint64_t finished, std::uint64_t resumed, std::uint64_t total,
                           const std::string& payload, std::vector<std::string>& payloads);

}  // namespace finseg
