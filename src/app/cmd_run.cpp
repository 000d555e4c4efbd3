#include "app/args.hpp"
#include "app/changes_report.hpp"
#include "app/checkpoint.hpp"
#include "app/checkpoint_signal.hpp"
#include "app/collective.hpp"
#include "app/commands.hpp"
#include "app/job_wire.hpp"
#include "app/run_report.hpp"
#include "app/shard_scan.hpp"
#include "parallel/shard_scheduler.hpp"
#include "results/job_file.hpp"
#include "results/job_lock.hpp"
#include "results/partial_file.hpp"
#include "results/results_diff.hpp"
#include "results/results_index.hpp"
#include "results/results_dir.hpp"
#include "store/store.hpp"
#include "store/store_wire.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <set>
#include <sstream>
#include <thread>

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
  std::string run_key;                     // names this run's checkpoint (Checkpoint::run_key)
  std::vector<int> resumed_shards;         // shards whose partial files a checkpoint holds: not scanned again
  std::string stage_tag;                   // names the folders the documents are written into before commit
  template <class Archive>
  void serialize(Archive& ar) {
    ar(shards, label_groups, job_ids, jobs, run_key, resumed_shards, stage_tag);
  }
};

// What a writer rank reports of one document it merged and wrote.
struct WrittenDocument {
  std::size_t job = 0;
  MergedTotals totals;
  double seconds = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(job, totals, seconds);
  }
};

// Which rank writes which document: the largest first, each to the rank with the least bytes so
// far (every rank computes the same answer from the same headers). The bytes do not depend on it.
std::vector<std::size_t> documents_of_rank(const std::vector<PartialFileRef>& files, std::size_t jobs, int rank, int ranks) {
  std::vector<std::uint64_t> bytes(jobs, 0);
  for (const auto& f : files)
    for (std::size_t j = 0; j < jobs; ++j) bytes[j] += f.header.jobs[j].bytes;
  std::vector<std::size_t> by_size(jobs);
  for (std::size_t j = 0; j < jobs; ++j) by_size[j] = j;
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

// Test hook (never needed in production): FINSEG_TEST_SHARD_DELAY_MS slows each shard down so a
// test's signal surely lands in the middle of a run. The wait ends early on a stop signal.
void test_shard_delay() {
  static const long delay_ms = [] {
    const char* text = std::getenv("FINSEG_TEST_SHARD_DELAY_MS");
    return text ? std::strtol(text, nullptr, 10) : 0L;
  }();
  for (long waited = 0; waited < delay_ms && !stop_requested(); waited += 5)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

// After the scan, every rank learns whether the run stops here: some rank got a stop signal
// (or the coordinator stopped handing out shards for one) and not every shard is finished.
// A signal that comes once every shard is done lets the run complete.
bool agree_to_stop(Communicator& comm, bool stop_seen, std::size_t finished, std::size_t resumed, std::size_t total) {
  const auto all = comm.gather(std::to_string(stop_seen ? 1 : 0) + " " + std::to_string(finished), 0);
  std::string decision = "0";
  if (comm.is_root()) {
    bool any_stop = false;
    std::size_t done = resumed;
    for (const auto& text : all) {
      std::istringstream in(text);
      int stop = 0;
      std::size_t n = 0;
      in >> stop >> n;
      any_stop = any_stop || stop != 0;
      done += n;
    }
    decision = any_stop && done < total ? "1" : "0";
  }
  return comm.broadcast(decision, 0) == "1";
}

// A job file's previousJobId must name a done job of the same segment and request, before any
// job is created. (A run that gets random jobIds gets their changes' jobIds from the manifests.)
void check_previous_jobs(const ResultsDir& results, const std::vector<std::string>& files, const std::vector<ParsedJob>& parsed,
                         const std::vector<std::string>& given) {
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    if (parsed[i].previous_job_id.empty()) continue;
    const std::string id = given.empty() ? std::string(36, 'x') : given[i];  // a new jobId is a 36-character UUID
    try {
      check_previous_job(results, parsed[i].previous_job_id, id, std::string(to_string(parsed[i].spec.request.segment)),
                         parsed[i].request_json, format_date(parsed[i].spec.creation_date));
    } catch (const Error& e) {
      throw Error(e.code(), files[i] + ": previousJobId: " + e.what());
    }
  }
}

// What rank 0 knows of a run after planning it: the plan every rank gets, and what only the
// coordinator needs to mark, commit and report the jobs (all of the run's jobs, in file order).
struct RootPlan {
  RunPlan plan;
  std::vector<ParsedJob> parsed;
  std::vector<std::string> all_ids;
  std::vector<bool> already_done;  // a result exists already: not recomputed
  StoreManifest manifest;
  std::vector<JobLock> locks;      // no other run may compute these jobIds meanwhile
};

// Plan (coordinator, rank 0 alone): validate every job file before anything runs (on any error no
// job is created), take the jobIds' locks, mark the jobs pending, print the jobIds and find what an
// interrupted run of exactly these jobs saved.
RootPlan plan_on_root(const Args& args, const std::filesystem::path& store, const std::filesystem::path& results_path,
                      std::chrono::seconds lock_wait, bool queue_only) {
  RootPlan root;
  const auto& files = args.positional();
  RunPlan& plan = root.plan;
  std::vector<ParsedJob>& parsed = root.parsed;
  std::vector<std::string>& all_ids = root.all_ids;
  std::vector<bool>& already_done = root.already_done;
  StoreManifest& manifest = root.manifest;
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
  check_previous_jobs(results, files, parsed, given);
  for (std::size_t i = 0; i < files.size(); ++i) all_ids.push_back(given.empty() ? ResultsDir::new_job_id() : given[i]);
  // Locked before their state is read: a run that waited for another one sees its result.
  root.locks = acquire_job_locks(results_path, all_ids, lock_wait);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& id = all_ids[i];
    // What earlier runs of this job that died in their merge left (this run owns the jobId now).
    if (const auto n = results.discard_all_staged(id); n > 0)
      std::fprintf(stderr, "finseg run: removed %zu staged folder(s) of job %s left by a run that died\n", n, id.c_str());
    const auto state = results.state(id);
    already_done.push_back(state == ResultsDir::State::done);
    if (already_done.back()) continue;
    results.mark_pending(id, pending_manifest_json(id, files[i], parsed[i], queue_only ? "queued" : "running", ""));
    plan.job_ids.push_back(id);
    plan.jobs.push_back(parsed[i].spec);
  }
  plan.shards = manifest.shards;
  plan.label_groups = manifest.label_groups;
  // stdout stays one jobId per line (scripts read it); the windows go to stderr with the log.
  for (std::size_t i = 0; i < all_ids.size(); ++i) {
    std::printf("%s\n", all_ids[i].c_str());
    if (already_done[i]) std::fprintf(stderr, "finseg run: job %s has a result already; it is not recomputed\n", all_ids[i].c_str());
    else std::fprintf(stderr, "finseg run: job %s %s: %s\n", all_ids[i].c_str(), std::string(to_string(parsed[i].spec.request.segment)).c_str(),
                      describe_period(parsed[i].spec).c_str());
  }
  std::fflush(stdout);
  if (queue_only || plan.jobs.empty()) return root;
  // Resume: the partials an interrupted run of exactly these jobs over this store saved.
  plan.run_key = Checkpoint::run_key(manifest.store_checksum(), plan.shards, plan.job_ids, plan.jobs);
  plan.stage_tag = ResultsDir::new_job_id();
  const Checkpoint checkpoint(results_path, plan.run_key);
  plan.resumed_shards = checkpoint.load(plan.shards, plan.jobs.size());
  // What the checkpoint belongs to, from the start: `finseg gc` and the service's expiry sweep
  // find a checkpoint's jobIds in it, also when the run is killed.
  checkpoint.describe(checkpoint_note_json(plan.run_key, store.string(), manifest.store_checksum(), plan.job_ids, plan.shards.size()));
  if (!plan.resumed_shards.empty())
    std::fprintf(stderr, "finseg run: resuming from %s: %zu of %zu shards are done already\n", checkpoint.dir().c_str(),
                 plan.resumed_shards.size(), plan.shards.size());
  return root;
}

}  // namespace

const CommandSpec& run_spec() {
  static const CommandSpec spec{
      "run", "run segment jobs in one pass (under mpirun: distributed); prints their jobIds",
      "Every byte read is checked (HDF5 metadata checksums, Fletcher32 per chunk). SIGTERM/SIGUSR1\n"
      "save the finished shards and exit 75; a rerun with the same --job-id values resumes.",
      "JOB.json [JOB.json ...]",
      {option("store", "STORE", "the store folder").required(),
       option("results", "DIR", "the results folder").required(),
       option("job-id", "ID", "the jobId of each job file, in order (default: new UUIDs)").repeatable(),
       flag("queue", "only validate, assign jobIds and mark them queued (scripts/finseg-submit)"),
       flag("verify-store", "also check each shard file's whole CRC-32"),
       integer("progress-seconds", "S", "seconds between progress lines", 10, 1, 86400),
       integer("lock-wait", "S", "seconds to wait for another run of the jobIds to end (then exit 7)", 10, 0, 86400)}};
  return spec;
}

int cmd_run(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, run_spec());
  // --queue: validate the jobs, give them jobIds and mark them queued (finseg get: not ready),
  // print the jobIds, compute nothing. A batch submission runs them later with --job-id.
  const bool queue_only = args.flag("queue");
  // --verify-store: the whole-file CRC-32 of each shard too (reads every byte of the store).
  const bool verify_store = args.flag("verify-store");
  install_stop_handlers();
  const auto run_start = Clock::now();
  const std::filesystem::path store = args.require("store");
  const std::filesystem::path results_path = args.require("results");
  const double progress_every = static_cast<double>(args.get_int("progress-seconds"));
  // How long a run waits for another run of the same jobIds (or its orphaned ranks) to end.
  const std::chrono::seconds lock_wait(args.get_int("lock-wait"));
  const auto& files = args.positional();

  // Plan (coordinator): validate every job file before anything runs; on any error no job is created.
  RootPlan root;
  on_every_rank(comm, [&] {
    if (comm.is_root()) root = plan_on_root(args, store, results_path, lock_wait, queue_only);
  });
  if (queue_only) return 0;
  RunPlan plan = from_bytes<RunPlan>(comm.broadcast(comm.is_root() ? to_bytes(root.plan) : std::string(), 0));
  const std::vector<ParsedJob>& parsed = root.parsed;         // rank 0
  const std::vector<std::string>& all_ids = root.all_ids;     // rank 0
  const std::vector<bool>& already_done = root.already_done;  // rank 0
  const StoreManifest& manifest = root.manifest;              // rank 0
  // Every rank, for its lifetime: an orphaned rank of a killed mpirun keeps a rerun waiting
  // until it is gone, so no shard file of it can appear after the rerun committed.
  std::vector<JobLock> member_locks;
  on_every_rank(comm, [&] { member_locks = join_job_locks(results_path, plan.job_ids); });
  const double plan_seconds = since(run_start);
  const Taxonomy taxonomy(plan.label_groups);

  // Scan: one pass over each shard computes the partial state of every job of the run.
  ShardScanner scanner(store, plan.label_groups, plan.jobs, taxonomy, verify_store);
  std::vector<SegmentPartial> partials;
  const Checkpoint checkpoint(results_path, plan.run_key);
  std::size_t finished = 0;  // shards this rank scanned and saved
  const std::set<int> resumed_shards(plan.resumed_shards.begin(), plan.resumed_shards.end());
  std::vector<int> order;
  for (std::size_t k = 0; k < plan.shards.size(); ++k)
    if (!resumed_shards.count(static_cast<int>(k))) order.push_back(static_cast<int>(k));
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return plan.shards[static_cast<std::size_t>(a)].transactions > plan.shards[static_cast<std::size_t>(b)].transactions;
  });
  if (plan.jobs.empty()) order.clear();
  ShardScheduler scheduler(comm, order);
  RankReport stats;
  std::exception_ptr failure;
  std::uint64_t total_rows = 0;
  for (const auto& s : plan.shards) total_rows += s.transactions;
  auto last_progress = Clock::now();
  try {
    // A stop signal is looked at between shards and between the jobs of a shard; a shard cut
    // short is dropped (a rerun computes it), so only whole shards are ever saved. A finished
    // shard goes to its partial file at once: a rank holds one shard's state at a time.
    while (!stop_requested()) {
      const auto shard = scheduler.next(stats.rows);
      if (!shard) break;
      test_shard_delay();
      const bool complete = scanner.scan(plan.shards[static_cast<std::size_t>(*shard)], partials, [&] {
        scheduler.serve();
        return !stop_requested();
      });
      stats.read = scanner.read_seconds();
      stats.compute = scanner.compute_seconds();
      if (!complete || stop_requested()) break;
      const auto t_spill = Clock::now();
      checkpoint.save(*shard, plan.shards[static_cast<std::size_t>(*shard)], partials);
      stats.spill += since(t_spill);
      ++finished;
      stats.rows += scanner.last_transactions();
      ++stats.shards;
      if (comm.is_root() && since(last_progress) >= progress_every) {
        last_progress = Clock::now();
        print_progress(scheduler, stats.rows, total_rows, since(run_start));
      }
    }
    if (stop_requested() && !scheduler.interrupted()) scheduler.interrupt();
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
    if (comm.is_root()) {
      mark_failed(results_path, files, parsed, all_ids, already_done, e.what());
      checkpoint.remove();  // a failed job is rerun from scratch: its partial files are garbage
    }
    comm.barrier();  // a rank that exits early makes mpirun end the others: rank 0 writes first
    throw;
  }

  // Interrupted: the shards every rank finished are saved already; every rank exits 75 (retry).
  if (agree_to_stop(comm, stop_requested() || scheduler.interrupted(), finished, resumed_shards.size(),
                    resumed_shards.size() + order.size())) {
    std::size_t saved = 0;
    try {
      on_every_rank(comm, [&] {
        if (comm.is_root()) checkpoint.describe(checkpoint_note_json(plan.run_key, store.string(), manifest.store_checksum(), plan.job_ids, plan.shards.size()));
      });
      for (const auto& n : comm.gather(std::to_string(finished), 0)) saved += std::stoull(n);
    } catch (const Error& e) {
      if (comm.is_root()) {
        mark_failed(results_path, files, parsed, all_ids, already_done, std::string("interrupted, and the checkpoint could not be saved: ") + e.what());
        checkpoint.remove();
      }
      comm.barrier();
      throw;
    }
    const std::string message = "interrupted by a stop signal: " + std::to_string(saved + resumed_shards.size()) + " of " +
                                std::to_string(plan.shards.size()) + " shards are saved in " + checkpoint.dir().string() +
                                "; rerun with the same --job-id values to resume (exit 75: retry)";
    if (comm.is_root()) mark_interrupted(results_path, files, parsed, all_ids, already_done, message);
    comm.barrier();  // every rank exits only once rank 0 has marked the jobs
    throw CollectiveError(ExitCode::interrupted, message);
  }

  // Merge: the documents are merged from the shards' partial files, each by one rank (they
  // share the results folder), straight into its staged folder; nobody holds a whole document.
  const auto t_merge = Clock::now();
  std::vector<WrittenDocument> written;
  const ResultsDir results(results_path);
  const auto discard_staged = [&] {
    for (const auto& id : plan.job_ids) results.discard_staged(id, plan.stage_tag);
  };
  try {
    on_every_rank(comm, [&] {
      if (plan.jobs.empty()) return;
      const auto shard_files = checkpoint.finished_files(plan.shards, plan.jobs.size());
      for (const std::size_t j : documents_of_rank(shard_files, plan.jobs.size(), comm.rank(), comm.size())) {
        const auto t_doc = Clock::now();
        const auto staged = results.stage(plan.job_ids[j], plan.stage_tag);
        const MergedTotals totals = write_merged_document(plan.jobs[j], j, shard_files, staged / "result.json");
        written.push_back({j, totals, since(t_doc)});
      }
    });
  } catch (const Error& e) {
    if (comm.is_root()) {
      discard_staged();
      mark_failed(results_path, files, parsed, all_ids, already_done, e.what());
      checkpoint.remove();
    }
    comm.barrier();
    throw;
  }
  stats.merge = since(t_merge);
  stats.peak_rss_kib = peak_rss_kib();
  const auto all_written = comm.gather(to_bytes(written), 0);
  const auto all_stats = comm.gather(to_bytes(stats), 0);
  if (!comm.is_root()) return 0;
  std::vector<WrittenDocument> documents(plan.jobs.size());
  for (const auto& bytes : all_written)
    for (auto& w : from_bytes<std::vector<WrittenDocument>>(bytes)) documents.at(w.job) = w;
  const double merge_seconds = since(t_merge);

  // Write: each job's manifest beside its document, and the folder renamed into place.
  const auto t_write = Clock::now();
  RunReport report;
  report.store = store.string();
  report.store_checksum = manifest.store_checksum();
  report.ranks = comm.size();
  report.plan = plan_seconds;
  report.merge = merge_seconds;
  for (const auto& s : all_stats) report.per_rank.push_back(from_bytes<RankReport>(s));
  try {
    std::size_t j = 0;
    for (std::size_t i = 0; i < all_ids.size(); ++i) {
      if (already_done[i]) continue;
      // One pass over the document just written (in the page cache): pages of it cost one seek (docs/formats.md).
      UserIndex::write_beside(results.staged_dir(all_ids[i], plan.stage_tag) / "result.json");
      results.commit_staged(all_ids[i], plan.stage_tag,
                            job_manifest_json(all_ids[i], files[i], parsed[i], documents[j].totals, report, documents[j].seconds));
      ++j;
    }
  } catch (...) {
    discard_staged();
    throw;
  }
  report.write = since(t_write);
  if (!plan.run_key.empty()) checkpoint.remove();
  write_changes_of_run(results_path, all_ids, parsed);  // a job file's previousJobId (docs/changes.md)
  report.total = since(run_start);
  print_summary(report, plan.jobs.size());
  return 0;
}

}  // namespace finseg
