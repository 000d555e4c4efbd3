#include "run/merge.hpp"

#include "io/atomic_file.hpp"
#include "io/io_times.hpp"
#include "results/results_index.hpp"
#include "results/results_writer.hpp"
#include "run/clock.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace finseg {

namespace {
std::filesystem::path document_of(const RunPlan& plan, const ResultsDir& results, std::size_t job) {
  return results.staged_dir(plan.job_ids[job], plan.stage_tag) / "result.json";
}
}  // namespace

std::uint64_t merge_cost(const DocumentLayout& layout) {
  std::uint64_t sections = 0;
  for (const auto& slice : layout.slices) sections += slice.files.size();
  return layout.total_bytes() + kUserCostBytes * layout.users + kSectionCostBytes * sections;
}

std::vector<std::vector<int>> document_writers(const std::vector<std::uint64_t>& bytes, int ranks, std::uint64_t min_range,
                                               const std::vector<std::uint64_t>& cost_given) {
  const std::vector<std::uint64_t>& cost = cost_given.empty() ? bytes : cost_given;
  if (cost.size() != bytes.size()) throw std::logic_error("document_writers: a cost per document");
  std::vector<std::size_t> by_cost(bytes.size());
  for (std::size_t j = 0; j < bytes.size(); ++j) by_cost[j] = j;
  std::stable_sort(by_cost.begin(), by_cost.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  std::vector<std::uint64_t> load(static_cast<std::size_t>(ranks), 0);
  std::vector<std::vector<int>> writers(bytes.size());
  // A rank's fair share of all the cost, with some slack: a document is split into as many
  // ranges as it has such shares (rounded up), so the ranks' loads stay within about that slack
  // of each other, and no more, since every range costs its writer files to open and fsync and
  // two writers of one file contend on this VM's disk (section 2.4 of docs/performance.md).
  const std::uint64_t total = std::accumulate(cost.begin(), cost.end(), std::uint64_t{0});
  const std::uint64_t share = std::max<std::uint64_t>(1, total / load.size() + total / load.size() / kShareSlack);
  for (const std::size_t j : by_cost) {
    const std::uint64_t most = std::min((cost[j] + share - 1) / share, bytes[j] / std::max<std::uint64_t>(min_range, 1));
    const std::uint64_t n = std::clamp<std::uint64_t>(most, 1, load.size());
    std::vector<int> least(load.size());
    for (std::size_t r = 0; r < load.size(); ++r) least[r] = static_cast<int>(r);
    std::stable_sort(least.begin(), least.end(), [&](int a, int b) { return load[static_cast<std::size_t>(a)] < load[static_cast<std::size_t>(b)]; });
    least.resize(static_cast<std::size_t>(n));
    std::sort(least.begin(), least.end());
    for (const int r : least) load[static_cast<std::size_t>(r)] += cost[j] / n + 1;
    writers[j] = std::move(least);
  }
  return writers;
}

MergePlan plan_merge(const RunPlan& plan, const Checkpoint& checkpoint, int ranks, std::uint64_t min_range) {
  if (plan.jobs.empty()) return {};
  return plan_merge(plan, checkpoint.finished_files(plan.shards, plan.jobs.size()), ranks, min_range);
}

MergePlan plan_merge(const RunPlan& plan, std::vector<PartialFileRef> files, int ranks, std::uint64_t min_range) {
  MergePlan merge;
  if (plan.jobs.empty()) return merge;
  merge.files = std::move(files);
  std::vector<std::uint64_t> bytes, cost;
  for (std::size_t j = 0; j < plan.jobs.size(); ++j) {
    const DocumentLayout whole = layout_document(plan.jobs[j], j, merge.files, 1);
    bytes.push_back(whole.total_bytes());
    cost.push_back(merge_cost(whole));
  }
  merge.writers = document_writers(bytes, ranks, min_range, cost);
  for (std::size_t j = 0; j < plan.jobs.size(); ++j)
    merge.layouts.push_back(layout_document(plan.jobs[j], j, merge.files, static_cast<int>(merge.writers[j].size())));
  return merge;
}

void create_documents(const RunPlan& plan, const MergePlan& merge, const ResultsDir& results, int rank) {
  for (std::size_t j = 0; j < merge.layouts.size(); ++j) {
    if (merge.writers[j].front() != rank) continue;
    results.stage(plan.job_ids[j], plan.stage_tag);
    const auto document = document_of(plan, results, j);
    create_sized_file(document, merge.layouts[j].total_bytes());
    UserIndex::create_sized(UserIndex::path_of(document), merge.layouts[j].users);
  }
}

std::vector<WrittenDocument> write_document_ranges(const RunPlan& plan, const MergePlan& merge, const ResultsDir& results, int rank,
                                                   MergeSteps& steps) {
  const auto t_write = Clock::now();
  const IoTimes io_before = thread_io_times();
  std::vector<WrittenDocument> written;
  std::vector<std::filesystem::path> to_sync;
  for (std::size_t j = 0; j < merge.layouts.size(); ++j) {
    for (std::size_t s = 0; s < merge.writers[j].size(); ++s) {
      if (merge.writers[j][s] != rank) continue;
      const auto t_doc = Clock::now();
      const auto document = document_of(plan, results, j), index = UserIndex::path_of(document);
      const SegmentTotals totals = write_document_slice(merge.layouts[j], static_cast<int>(s), j, merge.files, document, index, false);
      written.push_back({j, totals, since(t_doc)});
      to_sync.insert(to_sync.end(), {document, index});
    }
  }
  // Synced once everything is written, all at once (fsync_paths): 12 fsyncs one after the other,
  // ~4 ms each on this VM under load, were a third of the merge of the 10,000-user bank at np=1.
  const IoTimes& io = thread_io_times();
  steps.write = since(t_write);
  steps.read_calls = io.read - io_before.read;
  steps.write_calls = io.write - io_before.write;
  steps.writeback = io.writeback - io_before.writeback;
  const auto t_fsync = Clock::now();
  fsync_paths(to_sync);
  steps.fsync = since(t_fsync);
  return written;
}

}  // namespace finseg
