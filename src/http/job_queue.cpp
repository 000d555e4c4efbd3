#include "http/job_queue.hpp"

#include "core/errors.hpp"
#include "http/log.hpp"
#include "http/metrics.hpp"
#include "io/atomic_file.hpp"
#include "results/results_checkpoints.hpp"

#include <nlohmann/json.hpp>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <vector>

namespace finseg::http {

namespace {

using Steady = std::chrono::steady_clock;
constexpr auto kTick = std::chrono::milliseconds(100);
constexpr auto kTermGrace = std::chrono::seconds(10);

std::string marker_json(const std::string& id, const std::string& segment, const std::string& status, const std::string& error) {
  nlohmann::json j = {{"jobId", id}, {"segment", segment}, {"status", status}, {"by", "finseg serve"}};
  if (!error.empty()) j["error"] = error;
  return j.dump() + "\n";
}

}  // namespace

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

JobQueue::JobQueue(const std::filesystem::path& results_dir, Launcher launcher, LaunchVars base, CallbackSender& callbacks,
                   QueueOptions options)
    : results_(results_dir), files_(results_dir), launcher_(std::move(launcher)), base_(std::move(base)), callbacks_(callbacks),
      options_(options) {}

JobQueue::~JobQueue() { stop(); }

void JobQueue::start() {
  auto records = files_.load_all();
  std::sort(records.begin(), records.end(), [](const JobRecord& a, const JobRecord& b) {
    return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.job_id < b.job_id;
  });
  std::unique_lock lock(mutex_);
  std::size_t requeued = 0;
  for (auto& r : records) {
    const std::string id = r.job_id;
    auto& rec = jobs_[id] = std::move(r);
    if (rec.state == JobState::queued || rec.state == JobState::running) {
      const auto st = results_.state(id);
      if (st == ResultsDir::State::done) finish_locked(rec, JobState::done, "");
      else if (!std::filesystem::exists(files_.job_file(id))) finish_locked(rec, JobState::failed, "the job file was lost");
      else if (rec.attempts >= options_.max_attempts) finish_locked(rec, JobState::failed, "gave up after " + std::to_string(rec.attempts) + " launches");
      else {
        rec.state = JobState::queued;
        files_.save(rec);
        queue_.push_back(id);
        ++requeued;
      }
    } else if (rec.callback_url && !rec.callback_settled) {
      finish_locked(rec, rec.state, rec.error);  // sends the callback the last run could not
    }
  }
  log_line("job table: " + std::to_string(jobs_.size()) + " jobs, " + std::to_string(requeued) + " queued again");
  stopping_ = false;
  scheduler_ = std::thread([this] { loop(); });
}

void JobQueue::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (!scheduler_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  scheduler_.join();
}

std::string JobQueue::submit(const std::string& client, const std::string& segment, const std::string& request_json,
                             const std::optional<std::string>& creation_date, const std::optional<std::string>& callback_url) {
  std::string id;
  do id = ResultsDir::new_job_id();
  while (results_.state(id) != ResultsDir::State::not_found);
  JobRecord r;
  r.job_id = id;
  r.client = client;
  r.segment = segment;
  r.created_ms = unix_ms_now();
  r.callback_url = callback_url;
  r.creation_date = creation_date;
  // The job file holds the request exactly as the client wrote it: `finseg run` validates it
  // again with the same parser and computes the same document as for a job file.
  std::string job = "{\"segment\":" + nlohmann::json(segment).dump() + ",\"request\":" + request_json;
  if (creation_date) job += ",\"creationDate\":" + nlohmann::json(*creation_date).dump();
  job += "}\n";
  write_file_atomic(files_.job_file(id), job);
  results_.mark_pending(id, marker_json(id, segment, "queued", ""));
  files_.save(r);
  {
    const std::lock_guard lock(mutex_);
    jobs_[id] = std::move(r);
    queue_.push_back(id);
    accepted_[id] = Steady::now();
    poked_ = true;
  }
  wake_.notify_all();
  return id;
}

std::optional<JobRecord> JobQueue::find(const std::string& job_id) const {
  const std::lock_guard lock(mutex_);
  const auto it = jobs_.find(job_id);
  if (it == jobs_.end() || expired(it->second, unix_ms_now())) return std::nullopt;
  return it->second;
}

std::map<JobState, int> JobQueue::count_by_state() const {
  const std::lock_guard lock(mutex_);
  std::map<JobState, int> counts;
  const auto now = unix_ms_now();
  for (const auto& [id, rec] : jobs_)
    if (!expired(rec, now)) ++counts[rec.state];
  return counts;
}

void JobQueue::loop() {
  std::unique_lock lock(mutex_);
  const auto sweep_every = std::chrono::seconds(std::clamp<std::int64_t>(options_.expiry_seconds / 4, 1, 60));
  auto next_sweep = Steady::now();
  while (!stopping_) {
    reap_locked();
    launch_locked();
    if (Steady::now() >= next_sweep) {
      sweep_locked();
      next_sweep = Steady::now() + sweep_every;
    }
    // A batch waiting for its coalescing window to close wakes the scheduler when it closes.
    auto until = Steady::now() + kTick;
    if (!queue_.empty() && static_cast<int>(running_.size()) < options_.max_running) {
      const auto it = accepted_.find(queue_.front());
      if (it != accepted_.end()) until = std::min(until, it->second + options_.coalesce_window);
    }
    wake_.wait_until(lock, until, [&] { return stopping_ || poked_; });
    poked_ = false;
  }
  shutdown_children_locked(lock);
}

void JobQueue::launch_locked() {
  while (static_cast<int>(running_.size()) < options_.max_running && !queue_.empty() && batch_due_locked(Steady::now())) {
    std::vector<std::string> ids;
    while (!queue_.empty() && static_cast<int>(ids.size()) < options_.coalesce_max) {
      const std::string id = queue_.front();
      queue_.pop_front();
      accepted_.erase(id);
      const auto it = jobs_.find(id);
      if (it != jobs_.end() && it->second.state == JobState::queued) ids.push_back(id);  // else expired meanwhile
    }
    if (!ids.empty()) start_batch_locked(ids);
  }
}

// The queue's first job has waited its window out (jobs queued again after an interrupt or a
// restart waited already), or the batch is full.
bool JobQueue::batch_due_locked(Steady::time_point now) const {
  if (static_cast<int>(queue_.size()) >= options_.coalesce_max) return true;
  const auto it = accepted_.find(queue_.front());
  return it == accepted_.end() || now - it->second >= options_.coalesce_window;
}

void JobQueue::start_batch_locked(const std::vector<std::string>& ids) {
  std::vector<JobVars> jobs;
  const std::string& lead = ids.front();
  const std::string together = ids.size() == 1 ? "" : ", one run of " + std::to_string(ids.size()) + " jobs led by " + lead;
  try {
    for (const auto& id : ids) {
      JobRecord& rec = jobs_.at(id);
      ++rec.attempts;
      rec.state = JobState::running;
      files_.save(rec);
      jobs.push_back(JobVars{id, files_.job_file(id).string(), rec.segment});
      // The run's output goes to the lead's log; each other job's log says where it is.
      if (id != lead) std::ofstream(files_.log_file(id), std::ios::app) << "finseg serve: this job runs together with job " << lead
                                                                         << "; the run's output is in " << files_.log_file(lead).string() << "\n";
    }
    const pid_t pid = Launcher::start(launcher_.expand(base_, jobs), files_.log_file(lead));
    running_[lead] = Running{pid, Steady::now(), false, ids};
    for (const auto& id : ids)
      log_line("job " + id + " started (" + jobs_.at(id).segment + ", attempt " + std::to_string(jobs_.at(id).attempts) + ", pid " +
               std::to_string(pid) + together + ")");
  } catch (const std::exception& e) {
    log_line("job " + lead + " cannot start" + together + ": " + e.what());
    for (const auto& id : ids) finish_locked(jobs_.at(id), JobState::failed, "the job could not be started");
  }
}

void JobQueue::reap_locked() {
  std::vector<Ended> ended;
  std::vector<std::string> over;
  const auto now = Steady::now();
  const auto timeout = std::chrono::seconds(options_.job_timeout_seconds);
  for (auto& [key, run] : running_) {
    const double seconds = std::chrono::duration<double>(now - run.started).count();
    if (run.pid > 0) {
      if (const auto code = poll_child(run.pid)) {
        if (launcher_.mode() == Launcher::Mode::slurm && *code == 0 && !run.terminated) {
          run.pid = 0;  // submitted: the results appear in the results folder later
          for (const auto& id : run.ids) log_line("job " + id + " submitted");
        } else {
          for (const auto& id : run.ids) ended.push_back(Ended{id, *code, run.terminated, seconds});
          over.push_back(key);
        }
        continue;
      }
      if (now - run.started > timeout && !run.terminated) {
        log_line("job " + key + " exceeded the job timeout: terminating its run");
        signal_child(run.pid, SIGTERM);
        run.terminated = true;
      } else if (run.terminated && now - run.started > timeout + kTermGrace) {
        signal_child(run.pid, SIGKILL);
      }
      continue;
    }
    reap_submitted_locked(run, now, ended);
    if (run.ids.empty()) over.push_back(key);
  }
  for (const auto& key : over) running_.erase(key);
  // Backwards: the jobs of an interrupted run go back to the queue's front in their order.
  for (auto e = ended.rbegin(); e != ended.rend(); ++e) conclude_locked(*e);
}

// Submitted to the cluster: each job is done or failed when the results folder says so.
void JobQueue::reap_submitted_locked(Running& run, Steady::time_point now, std::vector<Ended>& ended) {
  const bool timed_out = now - run.started > std::chrono::seconds(options_.job_timeout_seconds);
  const double seconds = std::chrono::duration<double>(now - run.started).count();
  std::vector<std::string> left;
  for (const auto& id : run.ids) {
    const auto st = results_.state(id);
    if (st == ResultsDir::State::done) ended.push_back(Ended{id, 0, false, seconds});
    else if (st == ResultsDir::State::failed) ended.push_back(Ended{id, 1, false, seconds});
    else if (timed_out) ended.push_back(Ended{id, 1, true, seconds});
    else left.push_back(id);
  }
  run.ids = std::move(left);
}

void JobQueue::conclude_locked(const Ended& e) {
  const auto it = jobs_.find(e.id);
  if (it == jobs_.end()) return;
  JobRecord& rec = it->second;
  const auto st = results_.state(e.id);
  if (st == ResultsDir::State::done) return finish_locked(rec, JobState::done, "", e.seconds);
  if (e.timed_out) return finish_locked(rec, JobState::failed, "the job ran longer than the job timeout", e.seconds);
  if (e.exit_code == 75 && rec.attempts < options_.max_attempts) {  // interrupted after saving its partials: resume it
    log_line("job " + e.id + " was interrupted: queued again");
    rec.state = JobState::queued;
    files_.save(rec);
    queue_.push_front(e.id);
    return;
  }
  if (e.exit_code == 0) return finish_locked(rec, JobState::failed, "the run ended without a result", e.seconds);
  finish_locked(rec, JobState::failed, describe_exit(e.exit_code), e.seconds);
}

void JobQueue::finish_locked(JobRecord& rec, JobState state, const std::string& error, std::optional<double> run_seconds) {
  rec.state = state;
  rec.error = error;
  if (metrics_ && run_seconds) metrics_->job_ended(state, *run_seconds, static_cast<double>(unix_ms_now()) / 1000.0);
  if (state == JobState::failed) {
    log_line("job " + rec.job_id + " failed: " + error + " (log: " + files_.log_file(rec.job_id).string() + ")");
    try {  // `finseg get` agrees with the API
      if (results_.state(rec.job_id) != ResultsDir::State::failed)
        results_.mark_pending(rec.job_id, marker_json(rec.job_id, rec.segment, "failed", error));
    } catch (const std::exception& e) {
      log_line("cannot mark job " + rec.job_id + " failed in the results folder: " + e.what());
    }
  } else {
    log_line("job " + rec.job_id + " done");
  }
  try {
    files_.save(rec);
  } catch (const std::exception& e) {
    log_line("cannot save job " + rec.job_id + ": " + e.what());
  }
  if (rec.callback_url && !rec.callback_settled) {
    const std::string id = rec.job_id;
    callbacks_.send(*rec.callback_url, id, rec.segment, to_string(state), [this, id] {
      const std::lock_guard lock(mutex_);
      const auto it = jobs_.find(id);
      if (it == jobs_.end()) return;
      it->second.callback_settled = true;
      try {
        files_.save(it->second);
      } catch (const std::exception& e) {
        log_line("cannot save job " + id + ": " + e.what());
      }
    });
  }
}

void JobQueue::sweep_locked() {
  const auto now = unix_ms_now();
  std::vector<std::string> gone;
  for (const auto& [id, rec] : jobs_)
    if (expired(rec, now) && !running_.count(id)) gone.push_back(id);
  for (const auto& id : gone) {
    std::error_code ec;
    std::filesystem::remove_all(results_.job_dir(id), ec);
    if (ec) log_line("cannot delete expired job " + id + ": " + ec.message());
    std::filesystem::remove(results_.pending_file(id), ec);
    remove_checkpoints_of(results_.dir(), id);  // an interrupted or killed run's partial files
    files_.remove(id);
    jobs_.erase(id);
    accepted_.erase(id);
    queue_.erase(std::remove(queue_.begin(), queue_.end(), id), queue_.end());
  }
  if (!gone.empty()) log_line("expiry: deleted " + std::to_string(gone.size()) + " jobs");
}

void JobQueue::shutdown_children_locked(std::unique_lock<std::mutex>& lock) {
  for (const auto& [id, run] : running_) signal_child(run.pid, SIGTERM);
  const auto deadline = Steady::now() + kTermGrace;
  std::map<std::string, int> codes;
  while (codes.size() < running_.size()) {
    for (const auto& [id, run] : running_) {
      if (codes.count(id)) continue;
      if (run.pid <= 0) codes[id] = 0;
      else if (const auto code = poll_child(run.pid)) codes[id] = *code;
      else if (Steady::now() > deadline) signal_child(run.pid, SIGKILL);
    }
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    lock.lock();
  }
  for (const auto& [key, code] : codes) {
    for (const auto& id : running_[key].ids) {
      auto& rec = jobs_[id];
      if (results_.state(id) == ResultsDir::State::done) {
        finish_locked(rec, JobState::done, "");
      } else {  // not failed: the service stopped it; the next start runs it again
        rec.state = JobState::queued;
        --rec.attempts;
        files_.save(rec);
      }
    }
  }
  running_.clear();
}

}  // namespace finseg::http
