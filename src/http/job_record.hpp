// The service's own table of jobs: who asked (client), for which segment, when, and how far the
// job is. Each record is one file DIR/.service/jobs/<jobId>.json, replaced atomically on every
// change and reloaded at start, so a restart keeps every job (SEGMENTS.md 3: results by jobId).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace finseg::http {

enum class JobState { queued, running, done, failed };
const char* to_string(JobState s) noexcept;

struct JobRecord {
  std::string job_id;
  std::string client;
  std::string segment;
  std::int64_t created_ms = 0;              // unix time in ms; the expiry counts from here
  JobState state = JobState::queued;
  std::optional<std::string> callback_url;
  bool callback_settled = false;            // delivered, or given up after the retries
  std::optional<std::string> creation_date; // as given in the query (YYYY-MM-DD), else the store's
  std::string error;                        // why a failed job failed (for the client)
  int attempts = 0;                         // launches so far (a restart or an interrupt adds one)
};

// The folders of the service inside the results folder DIR:
//   DIR/.service/jobs/<id>.json   the records      DIR/.service/spool/<id>.json  job files
//   DIR/.service/logs/<id>.log    launcher output  (a jobId never contains '.', so no clash)
class JobFiles {
 public:
  explicit JobFiles(const std::filesystem::path& results_dir);  // creates the folders; throws IoError

  void save(const JobRecord& r) const;  // atomic replace; throws IoError
  std::vector<JobRecord> load_all() const;  // skips (and logs) unreadable records
  // Removes the record, job file and log of a job (not its results).
  void remove(const std::string& job_id) const noexcept;

  std::filesystem::path job_file(const std::string& id) const { return spool_ / (id + ".json"); }
  std::filesystem::path log_file(const std::string& id) const { return logs_ / (id + ".log"); }

 private:
  std::filesystem::path records_, spool_, logs_;
};

}  // namespace finseg::http
