// Results addressable by jobId. Layout of a results folder DIR:
//   DIR/<jobId>.pending.json       job accepted, queued or running      -> finseg get: not ready
//   DIR/<jobId>/manifest.json      status "done": result.json beside it -> finseg get prints it
//                                  status "failed": error in manifest   -> finseg get: failed
// A job folder is built as DIR/.tmp-<jobId>-<tag>/ and renamed into place only when complete,
// so a crash never leaves a half result that looks done; an existing job folder is never replaced.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace finseg {

class ResultsDir {
 public:
  enum class State { not_found, pending, done, failed };

  explicit ResultsDir(std::filesystem::path dir);  // creates DIR if missing; throws IoError

  // 1..64 characters of [A-Za-z0-9_-]: no path characters ever reach the file system.
  static bool valid_job_id(std::string_view id) noexcept;
  static std::string new_job_id();  // random UUID v4 from the OS entropy source

  State state(const std::string& job_id) const;
  void mark_pending(const std::string& job_id, const std::string& manifest_json) const;
  // mark_pending of several jobs (id, manifest) with one wait for the disk (write_files_atomic):
  // a crash leaves each marker absent, as it was, or whole.
  void mark_pending(const std::vector<std::pair<std::string, std::string>>& jobs) const;
  // Moves the finished job into place; throws IoError if a job folder exists already.
  void commit(const std::string& job_id, const std::string& manifest_json, const std::string* result_json) const;
  // A job folder written in parts (by other processes too): DIR/.tmp-<jobId>-<tag>/, created
  // empty. A writer puts result.json in it (fsynced); commit_staged() adds manifest.json and
  // renames the folder into place. `tag` tells runs apart (1..64 characters like a jobId).
  std::filesystem::path stage(const std::string& job_id, const std::string& tag) const;
  std::filesystem::path staged_dir(const std::string& job_id, const std::string& tag) const;
  void commit_staged(const std::string& job_id, const std::string& tag, const std::string& manifest_json) const;
  void discard_staged(const std::string& job_id, const std::string& tag) const noexcept;
  // The jobId a staged folder's name (".tmp-<jobId>-<tag>", tag a UUID or a pid) belongs to.
  static std::optional<std::string> staged_job_id(const std::string& folder_name);
  // Removes every staged folder of `job_id` (what runs of it that died left behind); only for a
  // caller that holds the job's lock (results/job_lock.hpp). Returns how many were removed.
  std::size_t discard_all_staged(const std::string& job_id) const;
  std::string read_result(const std::string& job_id) const;
  std::string read_manifest(const std::string& job_id) const;
  std::filesystem::path job_dir(const std::string& job_id) const { return dir_ / job_id; }
  std::filesystem::path pending_file(const std::string& job_id) const { return dir_ / (job_id + ".pending.json"); }
  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace finseg
