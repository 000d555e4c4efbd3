// The operators' routes (docs/operators.md "Health and metrics"):
//   GET /health   no token; 200 {"status":"ok","checks":{...}} or 503 {"status":"failing",...}:
//                 the store's manifest readable, a file creatable in the results folder, the launch
//                 command's program executable. Each check says ok or failing, never why (no path,
//                 no data to an unauthenticated caller): the reason goes to the service log.
//   GET /metrics  the Prometheus text format (http/metrics.hpp); a client's bearer token unless the
//                 service runs with --metrics-token-free.
#pragma once

#include "http/job_queue.hpp"
#include "http/launcher.hpp"
#include "http/metrics.hpp"
#include "http/tokens.hpp"

#include <filesystem>
#include <map>
#include <mutex>
#include <string>

namespace httplib {
class Server;
}  // namespace httplib

namespace finseg::http {

class OpsApi {
 public:
  OpsApi(JobQueue& jobs, Metrics& metrics, const TokenTable& tokens, const Launcher& launcher, LaunchVars vars, bool metrics_token_free);
  void install(httplib::Server& server);

 private:
  // "" when the check passes, else why not (for the log). Logged when a check's outcome changes.
  std::string check(const std::string& name) const;
  void note(const std::string& name, const std::string& problem);

  JobQueue& jobs_;
  Metrics& metrics_;
  const TokenTable& tokens_;
  const Launcher& launcher_;
  LaunchVars vars_;
  bool metrics_token_free_;
  std::mutex mutex_;
  std::map<std::string, std::string> last_;  // check -> its last problem
};

}  // namespace finseg::http
