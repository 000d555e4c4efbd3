#include "run/run_plan.hpp"

#include "results/results_diff.hpp"
#include "results/results_dir.hpp"
#include "run/checkpoint.hpp"
#include "io/taxonomy_file.hpp"
#include "run/run_report.hpp"

#include <cstdio>
#include <set>

namespace finseg {

namespace {

void check_job_ids(const PlanRequest& request) {
  if (request.job_files.empty()) throw UsageError("run needs at least one JOB.json");
  const auto& given = request.job_ids;
  if (!given.empty() && given.size() != request.job_files.size())
    throw UsageError("--job-id given " + std::to_string(given.size()) + " times for " + std::to_string(request.job_files.size()) +
                     " job files");
  std::set<std::string> seen;
  for (const auto& id : given) {
    if (!ResultsDir::valid_job_id(id)) throw UsageError("--job-id '" + id + "': use 1 to 64 characters of A-Z a-z 0-9 - _");
    if (!seen.insert(id).second) throw UsageError("--job-id '" + id + "' given twice");
  }
}

// A job file's previousJobId must name a done job of the same segment and request, before any
// job is created. (A run that gets random jobIds gets their changes' jobIds from the manifests.)
void check_previous_jobs(const ResultsDir& results, const std::vector<std::string>& files, const std::vector<ParsedJob>& parsed,
                         const std::vector<std::string>& given) {
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    if (parsed[i].previous_job_id.empty() || parsed[i].creation_date_later) continue;  // the latter: the run checks it
    const std::string id = given.empty() ? std::string(36, 'x') : given[i];  // a new jobId is a 36-character UUID
    try {
      check_previous_job(results, parsed[i].previous_job_id, id, std::string(to_string(parsed[i].spec.request.segment)),
                         parsed[i].request_json, format_date(parsed[i].spec.creation_date));
    } catch (const Error& e) {
      throw Error(e.code(), files[i] + ": previousJobId: " + e.what());
    }
  }
}

// Under the jobIds' locks: a job with a result is not recomputed; every other one is marked
// pending ("running", "queued", or "failed" with the reason its import gave) and goes into the plan. The markers are written together, with
// one wait for the disk (two fsyncs per job one after the other were 12 of a run's 39 fsyncs).
void mark_jobs(const PlanRequest& request, RootPlan& root) {
  const ResultsDir results(request.results);
  const std::string status = request.queue_only ? "queued" : request.fail_reason.empty() ? "running" : "failed";
  std::vector<std::pair<std::string, std::string>> pending;
  for (std::size_t i = 0; i < request.job_files.size(); ++i) {
    const std::string& id = root.all_ids[i];
    // What earlier runs of this job that died in their merge left (this run owns the jobId now).
    if (const auto n = results.discard_all_staged(id); n > 0)
      std::fprintf(stderr, "finseg run: removed %zu staged folder(s) of job %s left by a run that died\n", n, id.c_str());
    root.already_done.push_back(results.state(id) == ResultsDir::State::done);
    if (root.already_done.back()) continue;
    pending.emplace_back(id, pending_manifest_json(id, request.job_files[i], root.parsed[i], status, request.fail_reason));
    root.plan.job_ids.push_back(id);
    root.plan.jobs.push_back(root.parsed[i].spec);
  }
  results.mark_pending(pending);
}

// stdout stays one jobId per line (scripts read it); the windows go to stderr with the log.
void print_jobs(const PlanRequest& request, const RootPlan& root) {
  for (std::size_t i = 0; i < root.all_ids.size(); ++i) {
    const char* id = root.all_ids[i].c_str();
    std::printf("%s\n", id);
    if (root.already_done[i]) std::fprintf(stderr, "finseg run: job %s has a result already; it is not recomputed\n", id);
    else if (!request.fail_reason.empty()) std::fprintf(stderr, "finseg run: job %s marked failed\n", id);  // the caller told why
    else if (root.parsed[i].creation_date_later)
      std::fprintf(stderr, "finseg run: job %s %s: creationDate: the store's snapshotDate, once imported\n", id,
                   std::string(to_string(root.parsed[i].spec.request.segment)).c_str());
    else std::fprintf(stderr, "finseg run: job %s %s: %s\n", id, std::string(to_string(root.parsed[i].spec.request.segment)).c_str(),
                      describe_period(root.parsed[i].spec).c_str());
  }
  std::fflush(stdout);
}

// Resume: the partials an interrupted run of exactly these jobs over this store saved.
void find_checkpoint(const PlanRequest& request, RootPlan& root) {
  RunPlan& plan = root.plan;
  const std::string store_checksum = root.manifest.store_checksum();
  plan.run_key = Checkpoint::run_key(store_checksum, plan.shards, plan.job_ids, plan.jobs);
  plan.stage_tag = ResultsDir::new_job_id();
  const Checkpoint checkpoint(request.results, plan.run_key);
  plan.resumed_shards = checkpoint.load(plan.shards, plan.jobs.size());
  // What the checkpoint belongs to, from the start: `finseg gc` and the service's expiry sweep
  // find a checkpoint's jobIds in it, also when the run is killed.
  checkpoint.describe(checkpoint_note_json(plan.run_key, request.store.string(), store_checksum, plan.job_ids, plan.shards.size()));
  if (!plan.resumed_shards.empty())
    std::fprintf(stderr, "finseg run: resuming from %s: %zu of %zu shards are done already\n", checkpoint.dir().c_str(),
                 plan.resumed_shards.size(), plan.shards.size());
}

}  // namespace

RootPlan plan_on_root(const PlanRequest& request) {
  check_job_ids(request);
  RootPlan root;
  if (request.before_import && !std::filesystem::exists(request.store)) {
    // Queued before the import that makes the store: the labels are the import's taxonomy's; the
    // run reads the job files again over the store (which has the same labels) and checks them whole.
    const Taxonomy taxonomy = load_taxonomy(request.taxonomy);
    for (const auto& f : request.job_files) root.parsed.push_back(parse_job_file(f, taxonomy, std::nullopt, true));
  } else {
    root.manifest = read_manifest(request.store);
    const Taxonomy taxonomy(root.manifest.label_groups);
    for (const auto& f : request.job_files) root.parsed.push_back(parse_job_file(f, taxonomy, root.manifest.snapshot_date));
  }
  check_previous_jobs(ResultsDir(request.results), request.job_files, root.parsed, request.job_ids);
  for (std::size_t i = 0; i < request.job_files.size(); ++i)
    root.all_ids.push_back(request.job_ids.empty() ? ResultsDir::new_job_id() : request.job_ids[i]);
  // Locked before their state is read: a run that waited for another one sees its result.
  root.locks = acquire_job_locks(request.results, root.all_ids, request.lock_wait);
  mark_jobs(request, root);
  root.plan.shards = root.manifest.shards;
  root.plan.label_groups = root.manifest.label_groups;
  print_jobs(request, root);
  if (!request.marks_only() && !root.plan.jobs.empty()) find_checkpoint(request, root);
  return root;
}

}  // namespace finseg
