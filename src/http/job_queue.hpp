// The service's jobs: accepted jobs wait in a FIFO queue; at most `max_running` run at once
// through the launcher; each ends done or failed (never waits forever: a launcher that fails,
// a run that exits non-zero without a result, or a run longer than the job timeout fails it).
// Coalescing: a job waits up to `coalesce_window` after its acceptance for others, and up to
// `coalesce_max` queued jobs start together as one launch (one pass over the store); each keeps
// its own record, result, failure and callback. `max_running` counts launches.
// One scheduler thread starts and reaps the children and sweeps expired jobs; the HTTP threads
// only submit and look up. Every state change is saved (JobFiles) before it is visible.
#pragma once

#include "http/callbacks.hpp"
#include "http/job_record.hpp"
#include "http/launcher.hpp"
#include "results/results_dir.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace finseg::http {

struct QueueOptions {
  int max_running = 2;
  std::int64_t expiry_seconds = 14 * 86400;
  std::int64_t job_timeout_seconds = 86400;
  int max_attempts = 3;  // launches of one job, counting requeues after an interrupt or a restart
  std::chrono::milliseconds coalesce_window{200};  // 0: launch what is queued at once
  int coalesce_max = 32;                            // 1: every job is its own launch
};

class Metrics;

std::int64_t unix_ms_now();

class JobQueue {
 public:
  JobQueue(const std::filesystem::path& results_dir, Launcher launcher, LaunchVars base, CallbackSender& callbacks,
           QueueOptions options);
  ~JobQueue();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Reloads the job table: done and failed jobs are served again, queued and running ones are
  // queued again (same jobId, same job file), unsettled callbacks are sent. Then starts the
  // scheduler thread.
  void start();
  // Stops launching; running children get SIGTERM (then SIGKILL) and stay queued for the next
  // start. Idempotent.
  void stop();

  // Accepts a validated job: spool file, results marker and record are written before it
  // returns the new jobId. Throws IoError.
  std::string submit(const std::string& client, const std::string& segment, const std::string& request_json,
                     const std::optional<std::string>& creation_date, const std::optional<std::string>& callback_url);

  // A copy of the job's record; nothing when unknown or expired.
  std::optional<JobRecord> find(const std::string& job_id) const;
  // How many (unexpired) jobs are in each state.
  std::map<JobState, int> count_by_state() const;
  // Where ended runs are counted (before start(); nullptr: nowhere).
  void set_metrics(Metrics* metrics) noexcept { metrics_ = metrics; }
  std::string read_result(const std::string& job_id) const { return results_.read_result(job_id); }
  const ResultsDir& results() const noexcept { return results_; }

 private:
  struct Running {  // one launch; running_ holds it under its first jobId
    pid_t pid = 0;  // 0: submitted to Slurm, waiting for the results to appear
    std::chrono::steady_clock::time_point started;
    bool terminated = false;  // SIGTERM sent after the job timeout
    std::vector<std::string> ids;  // its jobs not concluded yet
  };
  struct Ended {
    std::string id;
    int exit_code;
    bool timed_out;
    double seconds;
  };

  void loop();
  void launch_locked();
  bool batch_due_locked(std::chrono::steady_clock::time_point now) const;
  void start_batch_locked(const std::vector<std::string>& ids);
  void reap_locked();
  void reap_submitted_locked(Running& run, std::chrono::steady_clock::time_point now, std::vector<Ended>& ended);
  void conclude_locked(const Ended& e);
  void finish_locked(JobRecord& r, JobState state, const std::string& error, std::optional<double> run_seconds = std::nullopt);
  void sweep_locked();
  void shutdown_children_locked(std::unique_lock<std::mutex>& lock);
  bool expired(const JobRecord& r, std::int64_t now_ms) const { return now_ms - r.created_ms >= options_.expiry_seconds * 1000; }

  ResultsDir results_;
  JobFiles files_;
  Launcher launcher_;
  LaunchVars base_;
  CallbackSender& callbacks_;
  QueueOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool poked_ = false;
  bool stopping_ = false;
  std::map<std::string, JobRecord> jobs_;
  std::deque<std::string> queue_;
  std::map<std::string, Running> running_;
  std::map<std::string, std::chrono::steady_clock::time_point> accepted_;  // queued by submit(): when
  Metrics* metrics_ = nullptr;
  std::thread scheduler_;
};

}  // namespace finseg::http
