#include "results/job_lock.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

namespace finseg {

namespace {

constexpr int kRunSlot = 0;
constexpr int kMemberSlot = 1;

// Opens the lock file of `job_id`, creating .locks/ when needed.
LockFile open_lock(const std::filesystem::path& results, const std::string& job_id) {
  const auto file = JobLock::path(results, job_id);
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) throw IoError("cannot create " + file.parent_path().string() + ": " + ec.message());
  return LockFile(file);
}

}  // namespace

std::filesystem::path JobLock::path(const std::filesystem::path& results, const std::string& job_id) {
  return results / ".locks" / job_id;
}

JobLock JobLock::acquire(const std::filesystem::path& results, const std::string& job_id, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  bool said_waiting = false;
  for (;;) {
    LockFile file = open_lock(results, job_id);
    if (file.try_lock(kRunSlot, true)) {
      // A lock on a file gc removed meanwhile protects nothing: open the new one and retry.
      if (!file.still_at_path()) continue;
      // No rank of an earlier run may still be alive (an orphan of a killed mpirun).
      if (file.try_lock(kMemberSlot, true)) {
        file.unlock(kMemberSlot);
        file.describe(this_process_description() + "\n");
        return JobLock(std::move(file));
      }
      file.unlock(kRunSlot);
    }
    if (!said_waiting && wait.count() > 0) {
      std::fprintf(stderr, "finseg run: job %s is locked by another run or its ranks (%s); waiting up to %lld s\n",
                   job_id.c_str(), JobLock::path(results, job_id).c_str(), static_cast<long long>(wait.count() / 1000));
      said_waiting = true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string holder = lock_holder(JobLock::path(results, job_id));
      while (!holder.empty() && holder.back() == '\n') holder.pop_back();
      throw BusyError("job " + job_id + " is being computed by another run" +
                      (holder.empty() ? std::string() : " (" + holder + ")") + ", or ranks of a stopped run still live (lock " +
                      JobLock::path(results, job_id).string() + "): wait for it to end, then rerun");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

JobLock JobLock::join(const std::filesystem::path& results, const std::string& job_id) {
  LockFile file = open_lock(results, job_id);
  // Shared: only a coordinator's exclusive test conflicts, and it is never held for long.
  for (int attempt = 0; !file.try_lock(kMemberSlot, false); ++attempt) {
    if (attempt == 100) throw IoError("cannot take the member lock of " + file.path().string());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return JobLock(std::move(file));
}

bool JobLock::held(const std::filesystem::path& results, const std::string& job_id) {
  return lock_held(path(results, job_id), 2);
}

bool JobLock::remove_if_free(const std::filesystem::path& results, const std::string& job_id) {
  const auto file_path = path(results, job_id);
  std::error_code ec;
  if (!std::filesystem::exists(file_path, ec)) return true;
  LockFile file(file_path);
  if (!file.try_lock(kRunSlot, true)) return false;
  if (!file.try_lock(kMemberSlot, true)) return false;
  std::filesystem::remove(file_path, ec);
  return !ec;
}

std::vector<JobLock> acquire_job_locks(const std::filesystem::path& results, std::vector<std::string> job_ids,
                                       std::chrono::milliseconds wait) {
  std::sort(job_ids.begin(), job_ids.end());
  job_ids.erase(std::unique(job_ids.begin(), job_ids.end()), job_ids.end());
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::vector<JobLock> locks;
  for (const auto& id : job_ids) {
    const auto left = std::max(std::chrono::steady_clock::duration::zero(), deadline - std::chrono::steady_clock::now());
    locks.push_back(JobLock::acquire(results, id, std::chrono::duration_cast<std::chrono::milliseconds>(left)));
  }
  return locks;
}

std::vector<JobLock> join_job_locks(const std::filesystem::path& results, const std::vector<std::string>& job_ids) {
  std::vector<JobLock> locks;
  for (const auto& id : job_ids) locks.push_back(JobLock::join(results, id));
  return locks;
}

}  // namespace finseg
