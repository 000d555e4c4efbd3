#include "http/ops_api.hpp"

#include "core/errors.hpp"
#include "http/log.hpp"
#include "store/store.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace finseg::http {

namespace {

const char* const kChecks[] = {"store", "results", "launcher"};

// A file really created, written and removed: a folder that exists but is read-only, full, or
// replaced by something else fails here before a job would.
std::string probe_results(const std::filesystem::path& dir) {
  const auto probe = dir / (".health-probe-" + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot create a file in the results folder " + dir.string() + ": " + std::strerror(errno);
  const bool written = ::write(fd, "ok\n", 3) == 3;
  const int err = errno;
  ::close(fd);
  ::unlink(probe.c_str());
  if (!written) return "cannot write in the results folder " + dir.string() + ": " + std::strerror(err);
  return "";
}

}  // namespace

OpsApi::OpsApi(JobQueue& jobs, Metrics& metrics, const TokenTable& tokens, const Launcher& launcher, LaunchVars vars,
               bool metrics_token_free)
    : jobs_(jobs), metrics_(metrics), tokens_(tokens), launcher_(launcher), vars_(std::move(vars)), metrics_token_free_(metrics_token_free) {}

std::string OpsApi::check(const std::string& name) const {
  if (name == "store") {
    try {
      read_manifest(vars_.store);
      return "";
    } catch (const std::exception& e) {
      return std::string("the store is not readable: ") + e.what();
    }
  }
  if (name == "results") return probe_results(vars_.results);
  return launcher_.program_problem(vars_).value_or("");
}

void OpsApi::note(const std::string& name, const std::string& problem) {
  const std::lock_guard lock(mutex_);
  auto& last = last_[name];
  if (problem == last) return;
  log_line(problem.empty() ? "health: " + name + " ok again" : "health: " + name + " failing: " + problem);
  last = problem;
}

void OpsApi::install(httplib::Server& server) {
  server.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
    nlohmann::json checks = nlohmann::json::object();
    bool ok = true;
    for (const char* name : kChecks) {
      const std::string problem = check(name);
      note(name, problem);
      checks[name] = problem.empty() ? "ok" : "failing";
      ok = ok && problem.empty();
    }
    res.status = ok ? 200 : 503;
    res.set_header("Cache-Control", "no-store");
    res.set_content(nlohmann::json({{"status", ok ? "ok" : "failing"}, {"checks", checks}}).dump(), "application/json");
  });
  server.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    if (!metrics_token_free_ && !tokens_.client_of(req.get_header_value("Authorization"))) {
      res.status = 401;
      res.set_header("WWW-Authenticate", "Bearer realm=\"finseg\"");
      const nlohmann::json body = {{"errors", nlohmann::json::array({{{"message", "missing or invalid bearer token"}, {"code", "UNAUTHORIZED"}}})}};
      return res.set_content(body.dump(), "application/json");
    }
    res.status = 200;
    res.set_content(metrics_.render(jobs_.count_by_state()), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace finseg::http
