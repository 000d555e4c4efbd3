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

// A unit of the scan: a shard, or users [b, e) of one (a split unit: its own partial file, which
// the merge takes as one more disjoint user range, run/checkpoint.hpp).
struct ScanUnit {
  int shard = -1;
  ShardUsers users;  // the default: the whole shard
  bool operator==(const ScanUnit&) const = default;
};

// Units at the end of the scan no larger than this fraction of a shard: at np > 1, the last
// `ranks` shards of scan_order (the smallest) are each handed out as kSplitParts units of about
// equal users, after every whole shard, so a rank done with its last unit waits for at most
// about 1/kSplitParts of a shard instead of up to a whole one (docs/performance.md 2.3). A
// split unit costs an opening of the shard (the head columns, ~4M instructions) and the chunks it
// shares with its neighbour decoded twice.
inline constexpr std::uint64_t kSplitParts = 4;

// The units of the scan in the order to hand them out: scan_order's shards, the last `ranks` of
// them split (kSplitParts; at np = 1 nothing is split: no rank waits for another). A shard of
// fewer users than kSplitParts is not split. The documents do not depend on the split.
std::vector<ScanUnit> scan_units(const RunPlan& plan, int ranks);

class SegmentScan {
 public:
  SegmentScan(const RunPlan& plan, const std::filesystem::path& store, bool verify_store, const Checkpoint& checkpoint,
              RankReport& stats);
  // A ShardWork (run/shard_scan.hpp) over `units` (scan_units; kept by reference): computes and
  // saves units[unit]; its rows, or nullopt when a stop request cut it short.
  SegmentScan& over(const std::vector<ScanUnit>& units) {
    units_ = &units;
    return *this;
  }
  std::optional<std::uint64_t> operator()(int unit, ShardScheduler& scheduler);
  // Reads the shard (its users `users`) and computes every job's partial of it (every job over
  // the same block of users while it is in cache); `between_blocks` runs between blocks. Its rows,
  // or nullopt when a stop request cut it short.
  std::optional<std::uint64_t> compute_shard(const ShardInfo& shard, std::vector<SegmentPartial>& partials,
                                             const std::function<void()>& between_blocks, ShardUsers users = {});
  // The files this rank saved, with their headers: the merge plans from them (run/batch_run.cpp).
  std::vector<SavedFile> take_saved() { return std::move(saved_); }

 private:
  const RunPlan& plan_;
  const Checkpoint& checkpoint_;
  RankReport& stats_;
  Taxonomy taxonomy_;
  ShardScanner scanner_;  // after taxonomy_: it keeps a reference to it
  const std::vector<ScanUnit>* units_ = nullptr;
  std::vector<SavedFile> saved_;
};

}  // namespace finseg
