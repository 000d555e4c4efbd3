// The HTTP face of the job API (SEGMENTS.md 3): routes, bearer auth and the status table.
//   POST /segments/{segment}          201 {"jobId"} | 400 BAD_REQUEST | 401 | 404 unknown segment
//   GET  /segments/{segment}/{jobId}  200 document | 404 NOT_READY | 400 NOT_FOUND | 500 JOB_FAILED | 401
//   GET  /segments/{segment}/{jobId}/changes?since={oldJobId}[&threshold=RULE...]
//                                     200 changes document (docs/changes.md), same statuses; 400 BAD_REQUEST
//                                     for two jobs that cannot be compared or a bad rule
// Errors are {"errors":[{"message","code"}]}. A job that is unknown, expired, of another
// segment or of another client gets the very same 400 answer: existence is never revealed.
// Other methods on these paths: 405 with Allow; any other path: 404.
#pragma once

#include "core/taxonomy.hpp"
#include "http/job_queue.hpp"
#include "http/tokens.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace finseg::http {

class SegmentsApi {
 public:
  SegmentsApi(JobQueue& jobs, const TokenTable& tokens, Taxonomy taxonomy, std::size_t body_limit);
  void install(httplib::Server& server);

 private:
  std::optional<std::string> authenticate(const httplib::Request& req, httplib::Response& res) const;
  void post_job(const httplib::Request& req, httplib::Response& res);
  void get_job(const httplib::Request& req, httplib::Response& res);
  void get_changes(const httplib::Request& req, httplib::Response& res);
  // The status of one of the client's jobs when it is not done: an error answer (true) or none.
  bool answer_unless_done(const std::string& client, const std::string& segment, const std::string& id, httplib::Response& res);

  JobQueue& jobs_;
  const TokenTable& tokens_;
  Taxonomy taxonomy_;
  std::size_t body_limit_;
};

}  // namespace finseg::http
