#include "run/merge.hpp"

#include "run/clock.hpp"

#include <algorithm>

namespace finseg {

std::vector<std::size_t> documents_of_rank(const std::vector<std::uint64_t>& bytes, int rank, int ranks) {
  std::vector<std::size_t> by_size(bytes.size());
  for (std::size_t j = 0; j < bytes.size(); ++j) by_size[j] = j;
  std::stable_sort(by_size.begin(), by_size.end(), [&](std::size_t a, std::size_t b) { return bytes[a] > bytes[b]; });
  std::vector<std::uint64_t> load(static_cast<std::size_t>(ranks), 0);
  std::vector<std::size_t> mine;
  for (const std::size_t j : by_size) {
    const auto least = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[least] += bytes[j] + 1;
    if (static_cast<int>(least) == rank) mine.push_back(j);
  }
  return mine;
}

std::vector<std::uint64_t> section_bytes(const std::vector<PartialFileRef>& files, std::size_t jobs) {
  std::vector<std::uint64_t> bytes(jobs, 0);
  for (const auto& f : files)
    for (std::size_t j = 0; j < jobs; ++j) bytes[j] += f.header.jobs.at(j).bytes;
  return bytes;
}

std::vector<WrittenDocument> merge_documents(const RunPlan& plan, const Checkpoint& checkpoint, const ResultsDir& results, int rank,
                                             int ranks) {
  std::vector<WrittenDocument> written;
  if (plan.jobs.empty()) return written;
  const auto files = checkpoint.finished_files(plan.shards, plan.jobs.size());
  for (const std::size_t j : documents_of_rank(section_bytes(files, plan.jobs.size()), rank, ranks)) {
    const auto t_doc = Clock::now();
    const auto staged = results.stage(plan.job_ids[j], plan.stage_tag);
    const SegmentTotals totals = write_merged_document(plan.jobs[j], j, files, staged / "result.json");
    written.push_back({j, totals, since(t_doc)});
  }
  return written;
}

}  // namespace finseg
