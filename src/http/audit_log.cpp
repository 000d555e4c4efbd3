#include "http/audit_log.hpp"

#include "core/errors.hpp"
#include "http/log.hpp"
#include "http/tokens.hpp"
#include "results/results_dir.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace finseg::http {

namespace {

std::string utc_time(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(ms));
  return text;
}

// The jobId a request created (the Location of a 201) or asked for (/segments/{segment}/{jobId});
// only a well-formed one, anything else stays in "route".
std::optional<std::string> job_of(const httplib::Request& req, const httplib::Response& res) {
  std::string candidate;
  if (res.status == 201) {
    const std::string location = res.get_header_value("Location");
    candidate = location.substr(location.rfind('/') + 1);
  } else if (req.path.rfind("/segments/", 0) == 0) {
    const auto slash = req.path.find('/', 10);
    if (slash != std::string::npos) candidate = req.path.substr(slash + 1);
  }
  if (candidate.empty() || !ResultsDir::valid_job_id(candidate)) return std::nullopt;
  return candidate;
}

int open_append(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw IoError("--audit-log " + file.string() + ": cannot open for appending: " + std::strerror(errno));
  return fd;
}

}  // namespace

AuditEvent audit_event(const httplib::Request& req, const httplib::Response& res, const TokenTable& tokens) {
  AuditEvent e;
  e.time = std::chrono::system_clock::now();
  e.client = tokens.client_of(req.get_header_value("Authorization"));
  const bool v6 = req.remote_addr.find(':') != std::string::npos;
  e.remote = (v6 ? "[" + req.remote_addr + "]" : req.remote_addr) + ":" + std::to_string(req.remote_port);
  if (req.has_header("X-Forwarded-For")) e.forwarded_for = req.get_header_value("X-Forwarded-For").substr(0, 256);
  e.method = req.method;
  e.route = req.path;
  e.job_id = job_of(req, res);
  e.status = res.status;
  // A whole document is answered from the file (a content provider of known length): its size is
  // content_length_. A stream (NDJSON, CSV) has no length up front: 0.
  e.bytes = res.body.empty() ? res.content_length_ : res.body.size();
  return e;
}

std::string audit_line(const AuditEvent& e) {
  const auto or_null = [](const std::optional<std::string>& s) { return s ? nlohmann::ordered_json(*s) : nlohmann::ordered_json(); };
  nlohmann::ordered_json line = {{"time", utc_time(e.time)}, {"client", or_null(e.client)}, {"remote", e.remote}};
  if (e.forwarded_for) line["forwardedFor"] = *e.forwarded_for;
  line["method"] = e.method;
  line["route"] = e.route;
  line["jobId"] = or_null(e.job_id);
  line["status"] = e.status;
  line["bytes"] = e.bytes;
  // JSON escaping is what keeps a line one line: control characters become \u00XX, and bytes
  // that are not UTF-8 become U+FFFD instead of an exception.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

AuditLog::AuditLog(std::filesystem::path file) : file_(std::move(file)), fd_(open_append(file_)) {}

AuditLog::~AuditLog() {
  if (fd_ >= 0) ::close(fd_);
}

void AuditLog::record(const AuditEvent& event) noexcept {
  try {
    const std::string line = audit_line(event);
    const std::lock_guard lock(mutex_);
    ssize_t n;
    do n = ::write(fd_, line.data(), line.size());
    while (n < 0 && errno == EINTR);
    const bool ok = n == static_cast<ssize_t>(line.size());
    if (!ok && !failing_) log_line("error: cannot write the audit log " + file_.string() + ": " + (n < 0 ? std::strerror(errno) : "short write"));
    if (ok && failing_) log_line("the audit log " + file_.string() + " is written again");
    failing_ = !ok;
  } catch (const std::exception& e) {
    log_line(std::string("error: audit log: ") + e.what());
  }
}

void AuditLog::reopen() {
  const int fresh = open_append(file_);
  const std::lock_guard lock(mutex_);
  ::close(fd_);
  fd_ = fresh;
}

}  // namespace finseg::http
