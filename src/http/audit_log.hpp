// The audit trail of `finseg serve` (`--audit-log FILE`), apart from the operator log: one JSON
// object per line and per answered request,
//   {"time","client","remote","method","route","jobId","status","bytes"} (+ "forwardedFor")
// client: the client of the bearer token (null: no or an unknown token); route: the request path
// without its query; jobId: the job created (201) or asked for (null otherwise); bytes: the size of
// the answer's body (0 for a streamed NDJSON or CSV answer, whose length is not known up front).
// Never a token, a request body or a document. Every string goes through JSON escaping (control
// characters as \u00XX, invalid UTF-8 replaced), so a request cannot forge or split a line. Each
// line is one write(2) to a file opened with O_APPEND: lines of concurrent requests never
// interleave. SIGHUP reopens the file (after logrotate moved it).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace finseg::http {

class TokenTable;

struct AuditEvent {
  std::chrono::system_clock::time_point time;
  std::optional<std::string> client;
  std::string remote;  // address:port of the peer (the proxy, behind one)
  std::optional<std::string> forwarded_for;  // X-Forwarded-For as received: trust it behind your proxy only
  std::string method;
  std::string route;
  std::optional<std::string> job_id;
  int status = 0;
  std::size_t bytes = 0;
};

// The event of one answered request; the client is found again from the Authorization header.
AuditEvent audit_event(const httplib::Request& req, const httplib::Response& res, const TokenTable& tokens);

// One line of the audit log, with its '\n'.
std::string audit_line(const AuditEvent& event);

class AuditLog {
 public:
  // Opens (creates with mode 0600) for appending; throws IoError naming the file.
  explicit AuditLog(std::filesystem::path file);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Never throws: a failed write is said in the operator log (once until a write succeeds again).
  void record(const AuditEvent& event) noexcept;
  // Opens the file again by name; on failure keeps writing to the old one and throws IoError.
  void reopen();

 private:
  std::filesystem::path file_;
  std::mutex mutex_;
  int fd_ = -1;
  bool failing_ = false;
};

}  // namespace finseg::http
