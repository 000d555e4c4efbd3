#include "run/shard_scanner.hpp"

#include "core/segments/kernels.hpp"
#include "run/clock.hpp"

#include <algorithm>
#include <utility>

namespace finseg {

ShardScanner::ShardScanner(std::filesystem::path store, std::vector<LabelGroup> label_groups,
                           const std::vector<JobSpec>& jobs, const Taxonomy& taxonomy, bool verify_store)
    : store_(std::move(store)), label_groups_(std::move(label_groups)), jobs_(jobs), taxonomy_(taxonomy),
      verify_store_(verify_store) {
  for (const auto& job : jobs_) columns_ |= required_columns(job.request);
}

bool ShardScanner::scan(const ShardInfo& shard, std::vector<SegmentPartial>& partials,
                        const std::function<bool()>& between_blocks, ShardUsers users) {
  // The read is the stream's opening (offsets, user and account columns), each block's decoding
  // and its finish; the compute is every job over each block.
  auto t_read = Clock::now();
  ShardStream stream(store_, label_groups_, shard, columns_, verify_store_, head_, users);
  read_ += since(t_read);
  partials.assign(jobs_.size(), SegmentPartial{});
  const auto first = static_cast<std::size_t>(std::min<std::uint64_t>(users.begin, head_.users()));
  const auto last = static_cast<std::size_t>(std::min<std::uint64_t>(users.end, head_.users()));
  const auto txn_of = [&](std::size_t u) {
    return static_cast<std::uint64_t>(head_.account_txn_offsets[static_cast<std::size_t>(head_.user_account_offsets[u])]);
  };
  last_transactions_ = txn_of(last) - txn_of(first);
  // A split unit streams even chunks larger than a block: reading the whole shard would undo the split.
  const bool whole = first == 0 && last == head_.users();
  if (whole && stream.largest_chunk() > kLargestStreamedChunk) return scan_whole(shard, partials, between_blocks);
  for (std::size_t begin = first; begin < last;) {
    const std::size_t end = std::min(block_end(head_, begin), last);
    t_read = Clock::now();
    stream.block(begin, end, window_);
    read_ += since(t_read);
    const auto t_compute = Clock::now();
    const bool complete = compute_segments(jobs_, taxonomy_, window_, partials, between_blocks);
    compute_ += since(t_compute);
    if (!complete) return false;
    begin = end;
  }
  t_read = Clock::now();
  stream.finish();
  read_ += since(t_read);
  return true;
}

// A store written before the chunks were about a block (65,536 values) or with a chain HDF5 decodes
// itself: a window would hold a chunk of several blocks and move its rest at every chunk's end
// (twice the L2 misses of the whole-shard read, cachegrind), so the shard is read whole first.
bool ShardScanner::scan_whole(const ShardInfo& shard, std::vector<SegmentPartial>& partials,
                              const std::function<bool()>& between_blocks) {
  const auto t_read = Clock::now();
  read_shard(store_, label_groups_, shard, columns_, verify_store_, whole_);
  read_ += since(t_read);
  const auto t_compute = Clock::now();
  const bool complete = compute_segments(jobs_, taxonomy_, whole_, partials, between_blocks);
  compute_ += since(t_compute);
  return complete;
}

}  // namespace finseg
