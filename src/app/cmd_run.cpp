#include "app/args.hpp"
#include "app/collective.hpp"
#include "app/commands.hpp"
#include "app/job_wire.hpp"
#include "app/run_report.hpp"
#include "core/segments/document.hpp"
#include "core/segments/kernels.hpp"
#include "dist/shard_scheduler.hpp"
#include "io/job_file.hpp"
#include "io/results_dir.hpp"
#include "io/store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <set>

namespace finseg {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// What the coordinator decides before anything runs, broadcast to every rank.
struct RunPlan {
  std::vector<ShardInfo> shards;
  std::vector<LabelGroup> label_groups;
  std::vector<std::string> job_ids;
  std::vector<JobSpec> jobs;               // the jobs to compute (not those done already)
  template <class Archive>
  void serialize(Archive& ar) {
    ar(shards, label_groups, job_ids, jobs);
  }
};

struct RankStats {
  double read = 0, compute = 0;
  std::uint64_t shards = 0, rows = 0;
  long peak_rss_kib = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(read, compute, shards, rows, peak_rss_kib);
  }
};

}  // namespace

int cmd_run(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, {"store", "results", "job-id", "progress-seconds"}, {});
  const auto run_start = Clock::now();
  const std::filesystem::path store = args.require("store");
  const std::filesystem::path results_path = args.require("results");
  const double progress_every = static_cast<double>(args.get_int("progress-seconds", 10, 1, 86400));
  const auto& files = args.positional();

  // Plan (coordinator): validate every job file before anything runs; on any error no job is created.
  RunPlan plan;
  std::vector<ParsedJob> parsed;       // rank 0: all jobs of the run, in file order
  std::vector<std::string> all_ids;    // rank 0: their jobIds, in file order
  std::vector<bool> already_done;      // rank 0
  StoreManifest manifest;
  on_every_rank(comm, [&] {
    if (!comm.is_root()) return;
    if (files.empty()) throw UsageError("run needs at least one JOB.json");
    const auto given = args.all("job-id");
    if (!given.empty() && given.size() != files.size())
      throw UsageError("--job-id given " + std::to_string(given.size()) + " times for " + std::to_string(files.size()) + " job files");
    std::set<std::string> seen;
    for (const auto& id : given) {
      if (!ResultsDir::valid_job_id(id)) throw UsageError("--job-id '" + id + "': use 1 to 64 characters of A-Z a-z 0-9 - _");
      if (!seen.insert(id).second) throw UsageError("--job-id '" + id + "' given twice");
    }
    manifest = read_manifest(store);
    const Taxonomy taxonomy(manifest.label_groups);
    for (const auto& f : files) parsed.push_back(parse_job_file(f, taxonomy, manifest.snapshot_date));
    const ResultsDir results(results_path);
    for (std::size_t i = 0; i < files.size(); ++i) {
      const std::string id = given.empty() ? ResultsDir::new_job_id() : given[i];
      const auto state = results.state(id);
      all_ids.push_back(id);
      already_done.push_back(state == ResultsDir::State::done);
      if (already_done.back()) continue;
      results.mark_pending(id, pending_manifest_json(id, files[i], parsed[i], "running", ""));
      plan.job_ids.push_back(id);
      plan.jobs.push_back(parsed[i].spec);
    }
    plan.shards = manifest.shards;
    plan.label_groups = manifest.label_groups;
    for (std::size_t i = 0; i < all_ids.size(); ++i) {
      std::printf("%s\n", all_ids[i].c_str());
      if (already_done[i]) std::fprintf(stderr, "finseg run: job %s has a result already; it is not recomputed\n", all_ids[i].c_str());
    }
    std::fflush(stdout);
  });
  plan = from_bytes<RunPlan>(comm.broadcast(comm.is_root() ? to_bytes(plan) : std::string(), 0));
  const double plan_seconds = since(run_start);
  const Taxonomy taxonomy(plan.label_groups);

  // Scan: one pass over each shard computes the partial state of every job of the run.
  ColumnSet columns = 0;
  for (const auto& job : plan.jobs) columns |= required_columns(job.request);
  std::vector<SegmentPartial> partials(plan.jobs.size());
  std::vector<int> order(plan.shards.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return plan.shards[static_cast<std::size_t>(a)].transactions > plan.shards[static_cast<std::size_t>(b)].transactions;
  });
  if (plan.jobs.empty()) order.clear();
  ShardScheduler scheduler(comm, order);
  RankStats stats;
  std::exception_ptr failure;
  std::uint64_t total_rows = 0;
  for (const auto& s : plan.shards) total_rows += s.transactions;
  auto last_progress = Clock::now();
  try {
    while (const auto shard = scheduler.next(stats.rows)) {
      const auto t_read = Clock::now();
      const ShardData data = read_shard(store, plan.shards[static_cast<std::size_t>(*shard)], columns);
      stats.read += since(t_read);
      const auto t_compute = Clock::now();
      for (std::size_t j = 0; j < plan.jobs.size(); ++j) {
        SegmentPartial part;
        compute_segment(plan.jobs[j], taxonomy, data, part);
        partials[j].combine(std::move(part));
        scheduler.serve();
      }
      stats.compute += since(t_compute);
      stats.rows += data.transactions();
      ++stats.shards;
      if (comm.is_root() && since(last_progress) >= progress_every) {
        last_progress = Clock::now();
        print_progress(scheduler, stats.rows, total_rows, since(run_start));
      }
    }
  } catch (...) {
    failure = std::current_exception();
    scheduler.fail();
  }
  scheduler.finish();
  try {
    on_every_rank(comm, [&] {
      if (failure) std::rethrow_exception(failure);
    });
  } catch (const Error& e) {
    if (comm.is_root()) mark_failed(results_path, files, parsed, all_ids, already_done, e.what());
    throw;
  }

  // Merge: every rank's partials reach the coordinator and go through the same combine().
  const auto t_merge = Clock::now();
  stats.peak_rss_kib = peak_rss_kib();
  const auto gathered = comm.gather(to_bytes(partials), 0);
  const auto all_stats = comm.gather(to_bytes(stats), 0);
  if (!comm.is_root()) return 0;
  std::vector<SegmentPartial> merged(plan.jobs.size());
  for (const auto& bytes : gathered) {
    auto part = from_bytes<std::vector<SegmentPartial>>(bytes);
    for (std::size_t j = 0; j < merged.size(); ++j) merged[j].combine(std::move(part[j]));
  }
  const double merge_seconds = since(t_merge);

  // Write: each job's document and manifest, renamed into place when complete.
  const auto t_write = Clock::now();
  RunReport report;
  report.store = store.string();
  report.store_checksum = manifest.store_checksum();
  report.ranks = comm.size();
  report.plan = plan_seconds;
  report.merge = merge_seconds;
  for (const auto& s : all_stats) {
    const auto r = from_bytes<RankStats>(s);
    report.per_rank.push_back({r.read, r.compute, r.shards, r.rows, r.peak_rss_kib});
  }
  const ResultsDir results(results_path);
  std::size_t j = 0;
  for (std::size_t i = 0; i < all_ids.size(); ++i) {
    if (already_done[i]) continue;
    const auto t_doc = Clock::now();
    const std::string document = render_document(plan.jobs[j], merged[j]);
    report.write = since(t_write);
    results.commit(all_ids[i], job_manifest_json(all_ids[i], files[i], parsed[i], merged[j], report, since(t_doc)), &document);
    ++j;
  }
  report.write = since(t_write);
  report.total = since(run_start);
  print_summary(report, plan.jobs.size());
  return 0;
}

}  // namespace finseg
