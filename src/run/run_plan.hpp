// Plan, the first phase of a batch run (run/batch_run.hpp): the coordinator (rank 0 alone)
// validates every job file before anything runs (on any error no job is created), takes the
// jobIds' locks, marks the jobs pending, prints the jobIds and finds what an interrupted run of
// exactly these jobs saved. What every rank needs of it is the RunPlan, broadcast as a struct.
#pragma once

#include "results/job_file.hpp"
#include "results/job_lock.hpp"
#include "run/job_wire.hpp"
#include "store/store.hpp"
#include "store/store_wire.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace finseg {

// What the coordinator decides before anything runs, broadcast to every rank.
struct RunPlan {
  std::vector<ShardInfo> shards;
  std::vector<LabelGroup> label_groups;
  std::vector<std::string> job_ids;
  std::vector<JobSpec> jobs;          // the jobs to compute (not those done already)
  std::string run_key;                // names this run's checkpoint (Checkpoint::run_key)
  std::vector<int> resumed_shards;    // shards whose partial files a checkpoint holds: not scanned again
  std::string stage_tag;              // names the folders the documents are written into before commit
  template <class Archive>
  void serialize(Archive& ar) {
    ar(shards, label_groups, job_ids, jobs, run_key, resumed_shards, stage_tag);
  }
};

// What a run is asked to do (finseg run's arguments).
struct PlanRequest {
  std::vector<std::string> job_files;
  std::vector<std::string> job_ids;  // one per job file, or none (new UUIDs)
  std::filesystem::path store, results;
  std::chrono::seconds lock_wait{10};  // for another run of the same jobIds to end
  bool queue_only = false;             // validate, assign jobIds, mark them queued; compute nothing
  std::string fail_reason;             // not empty: mark the jobs failed with it (their import failed); compute nothing
  // The store is made by an import after this (queued from CSV): while it does not exist, the job
  // files are checked against `taxonomy` (the import's) and may leave creationDate to it.
  bool before_import = false;
  std::filesystem::path taxonomy;
  bool marks_only() const noexcept { return queue_only || !fail_reason.empty(); }
};

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

// Rank 0 alone. Throws UsageError / JobError / StoreError / BusyError before any job is created.
// With before_import and no store yet, the plan holds no shards: only for marks_only().
RootPlan plan_on_root(const PlanRequest& request);

}  // namespace finseg
