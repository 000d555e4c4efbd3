// Agree to stop, the phase between scan and merge: after the scan, every rank learns whether the
// run stops here. It stops when some rank got a stop signal (or the coordinator stopped handing
// out shards for one) and not every shard is finished; a signal that comes once every shard is
// done lets the run complete. The shards finished are saved already (the checkpoint).
#pragma once

#include "parallel/communicator.hpp"

#include <cstdint>

namespace finseg {

struct StopDecision {
  bool stop = false;
  std::uint64_t finished = 0;  // shards this run's ranks finished, all ranks together
};

// Every rank (collective; one all-reduce): `stop_seen` and `finished` are this rank's; `resumed`
// shards were finished by an earlier run; `total` shards make the run.
StopDecision agree_to_stop(Communicator& comm, bool stop_seen, std::uint64_t finished, std::uint64_t resumed, std::uint64_t total);

}  // namespace finseg
