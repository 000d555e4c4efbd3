// The scan's unit of work of a segment run: one pass over a shard computes the partial state of
// every job of the run, and the finished shard goes to its partial file at once (the checkpoint):
// a rank holds one shard's state at a time.
#pragma once

#include "core/segments/partial.hpp"
#include "core/taxonomy.hpp"
#include "parallel/shard_scheduler.hpp"
#include "run/checkpoint.hpp"
#include "run/run_plan.hpp"
#include "run/run_report.hpp"
#include "run/shard_scanner.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

namespace finseg {

// The shards still to scan (not resumed from a checkpoint), the largest first (balances best).
std::vector<int> scan_order(const RunPlan& plan);

class SegmentScan {
 public:
  SegmentScan(const RunPlan& plan, const std::filesystem::path& store, bool verify_store, const Checkpoint& checkpoint,
              RankReport& stats);
  // A ShardWork (run/shard_scan.hpp): computes and saves shard `shard`; its rows, or nullopt
  // when a stop request cut it short.
  std::optional<std::uint64_t> operator()(int shard, ShardScheduler& scheduler);
  // Reads the shard and computes every job's partial of it (every job over the same block of users
  // while it is in cache); `between_blocks` runs between blocks. Its rows, or nullopt when a stop
  // request cut it short.
  std::optional<std::uint64_t> compute_shard(const ShardInfo& shard, std::vector<SegmentPartial>& partials,
                                             const std::function<void()>& between_blocks);

 private:
  const RunPlan& plan_;
  const Checkpoint& checkpoint_;
  RankReport& stats_;
  Taxonomy taxonomy_;
  ShardScanner scanner_;  // after taxonomy_: it keeps a reference to it
};

}  // namespace finseg
