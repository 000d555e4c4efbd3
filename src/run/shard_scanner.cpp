#include "run/shard_scanner.hpp"

#include "core/segments/kernels.hpp"
#include "run/clock.hpp"

#include <utility>

namespace finseg {

ShardScanner::ShardScanner(std::filesystem::path store, std::vector<LabelGroup> label_groups,
                           const std::vector<JobSpec>& jobs, const Taxonomy& taxonomy, bool verify_store)
    : store_(std::move(store)), label_groups_(std::move(label_groups)), jobs_(jobs), taxonomy_(taxonomy),
      verify_store_(verify_store) {
  for (const auto& job : jobs_) columns_ |= required_columns(job.request);
}

bool ShardScanner::scan(const ShardInfo& shard, std::vector<SegmentPartial>& partials,
                        const std::function<bool()>& between_blocks) {
  // The read is the stream's opening (offsets, user and account columns), each block's decoding
  // (timed inside the scan of the blocks and taken out of the compute) and its finish.
  const auto t_open = Clock::now();
  ShardStream stream(store_, label_groups_, shard, columns_, verify_store_, data_);
  read_ += since(t_open);
  double decode = 0;
  const auto t_blocks = Clock::now();
  partials.assign(jobs_.size(), SegmentPartial{});
  const bool complete = compute_segments(jobs_, taxonomy_, data_, partials, between_blocks, [&](std::size_t end) {
    const auto t_decode = Clock::now();
    stream.decode_until(end);
    decode += since(t_decode);
  });
  compute_ += since(t_blocks) - decode;
  read_ += decode;
  if (complete) {
    const auto t_finish = Clock::now();
    stream.finish();
    read_ += since(t_finish);
  }
  return complete;
}

}  // namespace finseg
