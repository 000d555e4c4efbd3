// Scan, the run's second phase, as a loop any run over shards can use (the segment run's unit of
// work is run/segment_scan.hpp): shards are handed out by the ShardScheduler, and a stop signal
// (run/stop_signal.hpp) is looked at between shards and inside a unit of work; a unit cut short
// is dropped (a rerun does it), so only whole shards are ever saved.
#pragma once

#include "parallel/communicator.hpp"
#include "parallel/shard_scheduler.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace finseg {

// One shard, done and saved: its rows, or nullopt when a stop request cut it short (nothing
// saved). The scheduler is there to be served (scheduler.serve()) between the parts of a long
// unit, so the coordinator answers the other ranks meanwhile.
using ShardWork = std::function<std::optional<std::uint64_t>(int shard, ShardScheduler& scheduler)>;
// Called after each shard this rank finished (e.g. progress lines on rank 0).
using ScanProgress = std::function<void(const ShardScheduler& scheduler, std::uint64_t rows)>;

struct ScanTally {
  std::uint64_t shards = 0, rows = 0;  // this rank's finished shards and their rows
  bool stop_seen = false;              // this rank got a stop signal, or (rank 0) knows some rank did
  double wait = 0;                     // seconds from its last shard to the end of the scan: idle, waiting for the other ranks
};

// Every rank (collective): runs `work` on each shard of `order` this rank is handed, until none
// is left or a stop signal arrives. An error on any rank stops the handing out everywhere and is
// thrown on every rank (CollectiveError, parallel/on_every_rank.hpp).
ScanTally scan_shards(Communicator& comm, std::vector<int> order, const ShardWork& work, const ScanProgress& progress = {});

}  // namespace finseg
