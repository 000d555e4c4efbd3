#include "http/job_queue.hpp"

#include "core/errors.hpp"
#include "http/log.hpp"
#include "io/atomic_file.hpp"
#include "io/results_checkpoints.hpp"

#include <nlohmann/json.hpp>
#include <signal.h>

#include <algorithm>
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
    wake_.wait_for(lock, kTick, [&] { return stopping_ || poked_; });
    poked_ = false;
  }
  shutdown_children_locked(lock);
}

void JobQueue::launch_locked() {
  while (static_cast<int>(running_.size()) < options_.max_running && !queue_.empty()) {
    const std::string id = queue_.front();
    queue_.pop_front();
    const auto it = jobs_.find(id);
    if (it == jobs_.end() || it->second.state != JobState::queued) continue;  // expired meanwhile
    JobRecord& rec = it->second;
    ++rec.attempts;
    rec.state = JobState::running;
    LaunchVars vars = base_;
    vars.job_id = id;
    vars.job_file = files_.job_file(id).string();
    vars.segment = rec.segment;
    try {
      files_.save(rec);
      const pid_t pid = Launcher::start(launcher_.expand(vars), files_.log_file(id));
      running_[id] = Running{pid, Steady::now(), false};
      log_line("job " + id + " started (" + rec.segment + ", attempt " + std::to_string(rec.attempts) + ", pid " + std::to_string(pid) + ")");
    } catch (const std::exception& e) {
      log_line("job " + id + " cannot start: " + e.what());
      finish_locked(rec, JobState::failed, "the job could not be started");
    }
  }
}

void JobQueue::reap_locked() {
  std::vector<std::pair<std::string, int>> ended;
  const auto now = Steady::now();
  const auto timeout = std::chrono::seconds(options_.job_timeout_seconds);
  for (auto& [id, run] : running_) {
    if (run.pid > 0) {
      if (const auto code = poll_child(run.pid)) {
        if (launcher_.mode() == Launcher::Mode::slurm && *code == 0 && !run.terminated) {
          run.pid = 0;  // submitted: the result appears in the results folder later
          log_line("job " + id + " submitted");
        } else {
          ended.emplace_back(id, *code);
        }
        continue;
      }
      if (now - run.started > timeout && !run.terminated) {
        log_line("job " + id + " exceeded the job timeout: terminating it");
        signal_child(run.pid, SIGTERM);
        run.terminated = true;
      } else if (run.terminated && now - run.started > timeout + kTermGrace) {
        signal_child(run.pid, SIGKILL);
      }
      continue;
    }
    // Submitted to the cluster: done or failed when the results folder says so.
    const auto st = results_.state(id);
    if (st == ResultsDir::State::done) ended.emplace_back(id, 0);
    else if (st == ResultsDir::State::failed) ended.emplace_back(id, 1);
    else if (now - run.started > timeout) {
      run.terminated = true;
      ended.emplace_back(id, 1);
    }
  }
  for (const auto& [id, code] : ended) conclude_locked(id, code);
}

void JobQueue::conclude_locked(const std::string& id, int exit_code) {
  const bool timed_out = running_[id].terminated;
  running_.erase(id);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  JobRecord& rec = it->second;
  const auto st = results_.state(id);
  if (st == ResultsDir::State::done) return finish_locked(rec, JobState::done, "");
  if (timed_out) return finish_locked(rec, JobState::failed, "the job ran longer than the job timeout");
  if (exit_code == 75 && rec.attempts < options_.max_attempts) {  // interrupted after saving its partials: resume it
    log_line("job " + id + " was interrupted: queued again");
    rec.state = JobState::queued;
    files_.save(rec);
    queue_.push_front(id);
    return;
  }
  if (exit_code == 0) return finish_locked(rec, JobState::failed, "the run ended without a result");
  finish_locked(rec, JobState::failed, describe_exit(exit_code));
}

void JobQueue::finish_locked(JobRecord& rec, JobState state, const std::string& error) {
  rec.state = state;
  rec.error = error;
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
  for (const auto& [id, code] : codes) {
    auto& rec = jobs_[id];
    if (results_.state(id) == ResultsDir::State::done) {
      finish_locked(rec, JobState::done, "");
    } else {  // not failed: the service stopped it; the next start runs it again
      rec.state = JobState::queued;
      --rec.attempts;
      files_.save(rec);
    }
  }
  running_.clear();
}

}  // namespace finseg::http
