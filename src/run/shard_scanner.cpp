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
  const auto t_read = Clock::now();
  read_shard(store_, label_groups_, shard, columns_, verify_store_, data_);
  read_ += since(t_read);
  const auto t_compute = Clock::now();
  partials.assign(jobs_.size(), SegmentPartial{});
  const bool complete = compute_segments(jobs_, taxonomy_, data_, partials, between_blocks);
  compute_ += since(t_compute);
  return complete;
}

}  // namespace finseg
