// A batch run of segment jobs over a store, as a library: one pass over every shard computes every
// job, distributed over the ranks of a Communicator (local or MPI). Its phases are named functions,
// each collective (every rank calls it, in order) and each testable alone:
//   plan()           rank 0 validates the jobs, locks and marks them, finds a checkpoint (run_plan.hpp);
//                    every rank gets the plan
//   scan()           shards handed out by the scheduler; each finished shard's partials saved to the
//                    checkpoint (shard_scan.hpp, segment_scan.hpp)
//   stop_if_asked()  a stop signal: the ranks agree to stop (stop_vote.hpp), exit 75, resume later;
//                    the vote also brings every rank the partial files the others wrote
//   merge()          every document merged from the partial files into its staged folder (merge.hpp)
//   commit()         rank 0: index, manifest and rename of each job folder (commit.hpp)
// A failure on any rank reaches every rank (parallel/on_every_rank.hpp): rank 0 marks the jobs
// failed and drops the checkpoint, and every rank throws the same CollectiveError.
#pragma once

#include "parallel/communicator.hpp"
#include "results/job_lock.hpp"
#include "run/checkpoint.hpp"
#include "run/clock.hpp"
#include "run/merge.hpp"
#include "run/run_plan.hpp"
#include "run/run_report.hpp"
#include "run/shard_scan.hpp"

#include <string>
#include <vector>

namespace finseg {

struct RunOptions {
  PlanRequest request;
  bool verify_store = false;     // also check each shard file's whole CRC-32
  double progress_seconds = 10;  // between progress lines (rank 0)
  std::uint64_t min_range_bytes = kMinRangeBytes;  // the smallest byte range of a document one rank writes (run/merge.hpp)
};

class BatchRun {
 public:
  BatchRun(Communicator& comm, RunOptions options);

  // False when there is nothing more to do on any rank (--queue: the jobs are only marked queued).
  bool plan();
  void scan();
  // Throws CollectiveError(ExitCode::interrupted) on every rank when the run stops here, after
  // rank 0 marked the jobs interrupted; returns when the run goes on.
  void stop_if_asked();
  void merge();
  // Rank 0 commits every computed job; the other ranks return at once.
  void commit();

  const RunPlan& planned() const noexcept { return plan_; }
  const RootPlan& root() const noexcept { return root_; }  // rank 0
  const ScanTally& tally() const noexcept { return tally_; }
  RunReport& report() noexcept { return report_; }          // rank 0, complete after commit()
  const std::vector<WrittenDocument>& documents() const noexcept { return documents_; }  // rank 0, after merge()
  const Checkpoint& checkpoint() const noexcept { return checkpoint_; }
  double seconds() const { return since(start_); }

 private:
  template <class Body>
  void or_fail(const std::string& context, Body&& body);
  void fail_on_root(const std::string& error) const noexcept;
  void add_resumed_share(std::vector<SavedFile>& files) const;

  Communicator& comm_;
  RunOptions options_;
  Clock::time_point start_;
  RootPlan root_;
  RunPlan plan_;
  std::vector<JobLock> member_locks_;
  Checkpoint checkpoint_;
  std::uint64_t shards_to_finish_ = 0;  // resumed + scanned
  ScanTally tally_;
  // The partial files this rank's scan wrote (and its share of a resumed run's); after
  // stop_if_asked every rank's, for the merge.
  std::vector<SavedFile> saved_;
  RankReport stats_;
  std::vector<WrittenDocument> documents_;
  RunReport report_;
};

}  // namespace finseg
