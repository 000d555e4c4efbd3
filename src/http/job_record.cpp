#include "http/job_record.hpp"

#include "core/errors.hpp"
#include "core/text_limits.hpp"
#include "http/log.hpp"
#include "io/atomic_file.hpp"
#include "results/results_dir.hpp"

#include <nlohmann/json.hpp>

namespace finseg::http {

const char* to_string(JobState s) noexcept {
  switch (s) {
    case JobState::queued: return "queued";
    case JobState::running: return "running";
    case JobState::done: return "done";
    case JobState::failed: return "failed";
  }
  return "?";
}

namespace {

JobState parse_state(const std::string& s) {
  if (s == "queued") return JobState::queued;
  if (s == "running") return JobState::running;
  if (s == "done") return JobState::done;
  if (s == "failed") return JobState::failed;
  throw std::runtime_error("unknown state '" + s + "'");
}

void make_dir(const std::filesystem::path& p) {
  std::error_code ec;
  std::filesystem::create_directories(p, ec);
  if (ec || !std::filesystem::is_directory(p)) throw IoError("cannot create " + p.string() + ": " + ec.message());
}

}  // namespace

JobFiles::JobFiles(const std::filesystem::path& results_dir)
    : records_(results_dir / ".service" / "jobs"), spool_(results_dir / ".service" / "spool"), logs_(results_dir / ".service" / "logs") {
  make_dir(records_);
  make_dir(spool_);
  make_dir(logs_);
}

void JobFiles::save(const JobRecord& r) const {
  nlohmann::json j = {{"jobId", r.job_id}, {"client", r.client}, {"segment", r.segment}, {"createdMs", r.created_ms},
                      {"state", to_string(r.state)}, {"callbackSettled", r.callback_settled}, {"attempts", r.attempts}};
  if (r.callback_url) j["callbackURL"] = *r.callback_url;
  if (r.creation_date) j["creationDate"] = *r.creation_date;
  if (!r.error.empty()) j["error"] = r.error;
  write_file_atomic(records_ / (r.job_id + ".json"), j.dump() + "\n");
}

std::vector<JobRecord> JobFiles::load_all() const {
  std::vector<JobRecord> out;
  for (const auto& entry : std::filesystem::directory_iterator(records_)) {
    const auto& path = entry.path();
    if (path.extension() != ".json" || !ResultsDir::valid_job_id(path.stem().string())) continue;
    try {
      const std::string text = read_file(path);
      if (const auto deep = json_depth_error(text)) throw std::runtime_error(*deep);
      const auto j = nlohmann::json::parse(text);
      JobRecord r;
      r.job_id = j.at("jobId").get<std::string>();
      if (r.job_id != path.stem().string()) throw std::runtime_error("jobId does not match the file name");
      r.client = j.at("client").get<std::string>();
      r.segment = j.at("segment").get<std::string>();
      r.created_ms = j.at("createdMs").get<std::int64_t>();
      r.state = parse_state(j.at("state").get<std::string>());
      r.callback_settled = j.value("callbackSettled", false);
      r.attempts = j.value("attempts", 0);
      if (j.contains("callbackURL")) r.callback_url = j["callbackURL"].get<std::string>();
      if (j.contains("creationDate")) r.creation_date = j["creationDate"].get<std::string>();
      r.error = j.value("error", "");
      out.push_back(std::move(r));
    } catch (const std::exception& e) {
      log_line("skipping unreadable job record " + path.string() + ": " + e.what());
    }
  }
  return out;
}

void JobFiles::remove(const std::string& job_id) const noexcept {
  std::error_code ec;
  std::filesystem::remove(records_ / (job_id + ".json"), ec);
  std::filesystem::remove(job_file(job_id), ec);
  std::filesystem::remove(log_file(job_id), ec);
}

}  // namespace finseg::http
