#include "run/batch_run.hpp"

#include "parallel/collectives.hpp"
#include "parallel/on_every_rank.hpp"
#include "run/commit.hpp"
#include "run/segment_scan.hpp"
#include "run/stop_vote.hpp"

#include <cereal/types/vector.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <numeric>

namespace finseg {

BatchRun::BatchRun(Communicator& comm, RunOptions options)
    : comm_(comm), options_(std::move(options)), start_(Clock::now()), checkpoint_(options_.request.results, "") {}

// `body` must throw on every rank or on none (a collective step): then every rank goes through
// the failure together.
template <class Body>
void BatchRun::or_fail(const std::string& context, Body&& body) {
  try {
    body();
  } catch (const Error& e) {
    fail_on_root(context + e.what());
    comm_.barrier();  // a rank that exits early makes mpirun end the others: rank 0 writes first
    throw;
  }
}

// A failed job is rerun from scratch: its staged folders and partial files are garbage. Never
// throws: the run's own error is the one every rank reports.
void BatchRun::fail_on_root(const std::string& error) const noexcept {
  if (!comm_.is_root()) return;
  try {
    const ResultsDir results(options_.request.results);
    for (const auto& id : plan_.job_ids) results.discard_staged(id, plan_.stage_tag);
    mark_failed(options_.request.results, options_.request.job_files, root_.parsed, root_.all_ids, root_.already_done, error);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finseg run: could not mark the jobs failed: %s\n", e.what());
  }
  checkpoint_.remove();
}

bool BatchRun::plan() {
  on_every_rank(comm_, [&] {
    if (comm_.is_root()) root_ = plan_on_root(options_.request);
  });
  if (options_.request.marks_only()) return false;
  plan_ = broadcast_value(comm_, root_.plan, 0);
  checkpoint_ = Checkpoint(options_.request.results, plan_.run_key);
  // Every rank, for its lifetime: an orphaned rank of a killed mpirun keeps a rerun waiting
  // until it is gone, so no shard file of it can appear after the rerun committed.
  on_every_rank(comm_, [&] { member_locks_ = join_job_locks(options_.request.results, plan_.job_ids); });
  report_.plan = seconds();
  return true;
}

void BatchRun::scan() {
  std::uint64_t total_rows = 0;
  for (const auto& s : plan_.shards) total_rows += s.transactions;
  auto last_progress = Clock::now();
  const ScanProgress progress = [&](const ShardScheduler& scheduler, std::uint64_t rows) {
    if (!comm_.is_root() || since(last_progress) < options_.progress_seconds) return;
    last_progress = Clock::now();
    print_progress(scheduler, rows, total_rows, seconds());
  };
  SegmentScan work(plan_, options_.request.store, options_.verify_store, checkpoint_, stats_);
  const std::vector<ScanUnit> units = scan_units(plan_, comm_.size());
  work.over(units);
  std::vector<int> order(units.size());
  std::iota(order.begin(), order.end(), 0);  // the scheduler hands out units[i] as i
  shards_to_finish_ = plan_.resumed_shards.size() + units.size();
  or_fail("", [&] { tally_ = scan_shards(comm_, order, std::ref(work), progress); });
  saved_ = work.take_saved();
  if (!plan_.resumed_shards.empty()) or_fail("", [&] { on_every_rank(comm_, [&] { add_resumed_share(saved_); }); });
  stats_.shards = tally_.shards;
  stats_.rows = tally_.rows;
  stats_.scan_wait = tally_.wait;
}

void BatchRun::stop_if_asked() {
  const std::uint64_t resumed = plan_.resumed_shards.size();
  // The partial files' headers as their writers know them (the scan's files, and a share of a
  // resumed run's each) travel with the vote: every rank reading every file's header again cost
  // each rank an open and read per file, and a collective of their own one more wait for the
  // slowest rank (docs/performance.md 2.4.3). At np=1 the rank keeps its own as they are.
  const std::string mine = comm_.size() > 1 ? to_bytes(saved_) : std::string();
  std::vector<std::string> every_rank;
  const StopDecision decision = agree_to_stop(comm_, tally_.stop_seen, tally_.shards, resumed, shards_to_finish_, mine, every_rank);
  if (comm_.size() > 1) {
    saved_.clear();
    for (const auto& bytes : every_rank)
      for (auto& f : from_bytes<std::vector<SavedFile>>(bytes)) saved_.push_back(std::move(f));
  }
  if (!decision.stop) return;
  // The shards every rank finished are saved already; the note says what they belong to.
  or_fail("interrupted, and the checkpoint could not be saved: ", [&] {
    on_every_rank(comm_, [&] {
      if (comm_.is_root())
        checkpoint_.describe(checkpoint_note_json(plan_.run_key, options_.request.store.string(), root_.manifest.store_checksum(),
                                                  plan_.job_ids, plan_.shards.size()));
    });
  });
  // The units are shards, or parts of shards at the end of a scan at np > 1 (scan_units).
  const std::string message = "interrupted by a stop signal: " + std::to_string(resumed) + " shards resumed and " +
                              std::to_string(decision.finished) + " of this run's " + std::to_string(shards_to_finish_ - resumed) +
                              " units (shards or parts of shards) are saved in " + checkpoint_.dir().string() +
                              "; rerun with the same --job-id values to resume (exit 75: retry)";
  if (comm_.is_root())
    mark_interrupted(options_.request.results, options_.request.job_files, root_.parsed, root_.all_ids, root_.already_done, message);
  comm_.barrier();  // every rank exits only once rank 0 has marked the jobs
  throw CollectiveError(ExitCode::interrupted, message);
}

// This rank's share of the resumed shards' files (every size()-th), read from the checkpoint.
void BatchRun::add_resumed_share(std::vector<SavedFile>& files) const {
  std::vector<int> share;
  for (std::size_t i = static_cast<std::size_t>(comm_.rank()); i < plan_.resumed_shards.size(); i += static_cast<std::size_t>(comm_.size()))
    share.push_back(plan_.resumed_shards[i]);
  for (auto& f : checkpoint_.saved_files(plan_.shards, plan_.jobs.size(), share)) files.push_back(std::move(f));
}

void BatchRun::merge() {
  const auto t_merge = Clock::now();
  const ResultsDir results(options_.request.results);
  MergePlan merge;
  std::vector<WrittenDocument> written;
  // The CPU of this rank's own work only: Open MPI's blocking collectives poll, so a rank that
  // waits in on_every_rank's all-reduce for a slower one burns CPU there (a rank's merge CPU
  // measured across them was about its wall time, whatever its share of the documents). The
  // process's CPU, not the thread's: the documents' O_DIRECT writes and the fsyncs run in
  // threads of their own.
  double cpu = 0;
  const auto own_cpu = [&cpu](auto&& step) {
    const double c0 = process_cpu_seconds();
    step();
    cpu += process_cpu_seconds() - c0;
  };
  or_fail("", [&] {
    on_every_rank(comm_, [&] {
      own_cpu([&] {
        // Every rank's partial files, gathered with the stop vote (stop_if_asked).
        if (!plan_.jobs.empty())
          merge = plan_merge(plan_, Checkpoint::merge_order(std::move(saved_), plan_.shards), comm_.size(), options_.min_range_bytes);
        create_documents(plan_, merge, results, comm_.rank());
      });
      stats_.merge_steps.plan = since(t_merge);
    });
    on_every_rank(comm_, [&] { own_cpu([&] { written = write_document_ranges(plan_, merge, results, comm_.rank(), stats_.merge_steps); }); });
  });
  stats_.merge = since(t_merge);
  stats_.merge_cpu = cpu;
  stats_.peak_rss_kib = peak_rss_kib();
  const auto all_written = gather_values(comm_, written);
  const auto all_stats = gather_values(comm_, stats_);
  if (!comm_.is_root()) return;
  documents_.assign(plan_.jobs.size(), {});
  for (const auto& of_rank : all_written) {
    for (const auto& w : of_rank) {
      WrittenDocument& d = documents_.at(w.job);
      d.job = w.job;
      d.totals += w.totals;
      d.seconds = std::max(d.seconds, w.seconds);
    }
  }
  report_.merge = since(t_merge);
  report_.per_rank = all_stats;
}

void BatchRun::commit() {
  if (!comm_.is_root()) return;
  const auto t_write = Clock::now();
  report_.store = options_.request.store.string();
  report_.store_checksum = root_.manifest.store_checksum();
  report_.ranks = comm_.size();
  std::vector<std::size_t> file_of_job;  // plan_.job_ids[j] is job file file_of_job[j]
  for (std::size_t i = 0; i < root_.all_ids.size(); ++i)
    if (!root_.already_done[i]) file_of_job.push_back(i);
  commit_staged_jobs(ResultsDir(options_.request.results), plan_.stage_tag, plan_.job_ids, [&](std::size_t j) {
    const std::size_t i = file_of_job[j];
    return job_manifest_json(root_.all_ids[i], options_.request.job_files[i], root_.parsed[i], documents_[j].totals, report_,
                             documents_[j].seconds);
  });
  report_.write = since(t_write);
  checkpoint_.remove();
}

}  // namespace finseg
