// Who may compute a jobId: RESULTS/.locks/<jobId>, two byte locks (io/file_lock.hpp).
//   byte 0, the run lock: held exclusively by the coordinator (rank 0) of the one run of the job;
//   byte 1, the member lock: held shared by every rank of that run for the rank's lifetime.
// So a second run of the same jobId refuses (or waits) while the first one lives, and the ranks
// of a killed mpirun that still run for a moment (orphans, writing their shard files) keep a
// rerun out until they are gone: nothing of theirs can land after a rerun committed.
// Lock files stay (empty but for the holder's description); `finseg gc` removes unused ones.
#pragma once

#include "io/file_lock.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace finseg {

class JobLock {
 public:
  static std::filesystem::path path(const std::filesystem::path& results, const std::string& job_id);

  // Coordinator: the run lock of `job_id`, and no member of an earlier run left; tried every
  // 100 ms for up to `wait`. Throws BusyError naming the job and the holder when the time is up.
  static JobLock acquire(const std::filesystem::path& results, const std::string& job_id,
                         std::chrono::milliseconds wait);
  // Every rank of the run (the coordinator too, after acquire): the member lock.
  static JobLock join(const std::filesystem::path& results, const std::string& job_id);
  // Whether a live run holds `job_id` (either lock).
  static bool held(const std::filesystem::path& results, const std::string& job_id);
  // Removes the lock file when no run holds it (taking both locks first, so no run can get it
  // meanwhile); false when it is held.
  static bool remove_if_free(const std::filesystem::path& results, const std::string& job_id);

 private:
  explicit JobLock(LockFile file) : file_(std::move(file)) {}
  LockFile file_;
};

// The jobIds of a list, all locked (sorted order, so two runs sharing jobIds cannot deadlock).
std::vector<JobLock> acquire_job_locks(const std::filesystem::path& results, std::vector<std::string> job_ids,
                                       std::chrono::milliseconds wait);
std::vector<JobLock> join_job_locks(const std::filesystem::path& results, const std::vector<std::string>& job_ids);

}  // namespace finseg
