// The scan of one shard for every job of a run, block by block of users (about kBlockTransactions
// transactions): each block's transaction columns are decoded chunk by chunk into a small window
// (store/store.hpp, ShardStream) just before every job's kernel scans it, so the block is used
// while it is in cache and no transaction column of the shard is ever whole in memory
// (core/segments/kernels.hpp, compute_segments). The one call a segment run's scan makes per shard (run/segment_scan.cpp).
#pragma once

#include "core/columns.hpp"
#include "core/segments/kernels.hpp"
#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"
#include "core/shard_data.hpp"
#include "core/taxonomy.hpp"
#include "store/store.hpp"

#include <filesystem>
#include <functional>
#include <vector>

namespace finseg {

class ShardScanner {
 public:
  // `jobs` and `taxonomy` must outlive the scanner. `verify_store`: also each shard file's whole CRC.
  ShardScanner(std::filesystem::path store, std::vector<LabelGroup> label_groups, const std::vector<JobSpec>& jobs,
               const Taxonomy& taxonomy, bool verify_store);

  // Reads `shard` and fills partials[j] with job j's users of it (partials is resized to the jobs);
  // only users `users` of it (a split unit of the scan: ShardStream's range, its chunks only).
  // `between_blocks` is called between blocks of users; when it returns false the scan stops and
  // false is returned: the partials are then incomplete and must be dropped. Throws what
  // read_shard and the kernels throw.
  bool scan(const ShardInfo& shard, std::vector<SegmentPartial>& partials, const std::function<bool()>& between_blocks,
            ShardUsers users = {});

  // Seconds spent so far reading (HDF5 -> columns) and computing (the kernels), all shards.
  double read_seconds() const noexcept { return read_; }
  double compute_seconds() const noexcept { return compute_; }
  // Transactions of the last shard (or range of users of one) scanned.
  std::uint64_t last_transactions() const noexcept { return last_transactions_; }

  // Chunks of more transactions than this are read whole (scan_whole): 2 blocks per chunk is the
  // default (store/store.hpp, kDefaultChunkElements).
  static constexpr std::uint64_t kLargestStreamedChunk = 4 * kBlockTransactions;

 private:
  std::filesystem::path store_;
  std::vector<LabelGroup> label_groups_;
  const std::vector<JobSpec>& jobs_;
  const Taxonomy& taxonomy_;
  ColumnSet columns_ = 0;
  bool verify_store_ = false;
  ShardData head_;    // the shard's offsets, user and account columns
  ShardData window_;  // one block of users with their transactions, reused block after block
  ShardData whole_;   // a shard read whole (scan_whole), for stores with large chunks

  bool scan_whole(const ShardInfo& shard, std::vector<SegmentPartial>& partials,
                  const std::function<bool()>& between_blocks);
  double read_ = 0;
  double compute_ = 0;
  std::uint64_t last_transactions_ = 0;
};

}  // namespace finseg
