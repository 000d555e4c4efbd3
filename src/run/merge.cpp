#include "run/merge.hpp"

#include "results/results_writer.hpp"
#include "run/clock.hpp"

namespace finseg {

namespace {
std::filesystem::path document_of(const RunPlan& plan, const ResultsDir& results, std::size_t job) {
  return results.staged_dir(plan.job_ids[job], plan.stage_tag) / "result.json";
}
}  // namespace

MergePlan plan_merge(const RunPlan& plan, const Checkpoint& checkpoint, int ranks) {
  MergePlan merge;
  if (plan.jobs.empty()) return merge;
  merge.files = checkpoint.finished_files(plan.shards, plan.jobs.size());
  for (std::size_t j = 0; j < plan.jobs.size(); ++j) merge.layouts.push_back(layout_document(plan.jobs[j], j, merge.files, ranks));
  return merge;
}

void create_documents(const RunPlan& plan, const MergePlan& merge, const ResultsDir& results) {
  for (std::size_t j = 0; j < merge.layouts.size(); ++j) {
    results.stage(plan.job_ids[j], plan.stage_tag);
    create_sized_file(document_of(plan, results, j), merge.layouts[j].total_bytes());
  }
}

std::vector<WrittenDocument> write_document_ranges(const RunPlan& plan, const MergePlan& merge, const ResultsDir& results, int rank) {
  std::vector<WrittenDocument> written;
  for (std::size_t j = 0; j < merge.layouts.size(); ++j) {
    const auto t_doc = Clock::now();
    const SegmentTotals totals = write_document_slice(merge.layouts[j], rank, j, merge.files, document_of(plan, results, j));
    written.push_back({j, totals, since(t_doc)});
  }
  return written;
}

}  // namespace finseg
