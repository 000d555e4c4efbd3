// `finseg serve`: the segments API over HTTP, in front of the batch engine. Wires the token
// table, the job queue and its launcher, callbacks and the HTTP server; runs until SIGINT or
// SIGTERM, then stops accepting, stops running jobs (they run again at the next start) and exits 0.
// SIGHUP reloads the token file and the TLS certificate and reopens the audit log.
#pragma once

#include "http/callbacks.hpp"
#include "http/connection_limits.hpp"
#include "http/job_queue.hpp"
#include "http/launcher.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace finseg::http {

struct ServeOptions {
  std::filesystem::path store;
  std::filesystem::path results;
  std::string bind = "127.0.0.1";
  int port = 0;  // 0: any free port (printed on stdout)
  std::optional<std::filesystem::path> tokens;
  bool no_auth = false;  // only with a loopback --bind
  std::optional<std::filesystem::path> tls_cert, tls_key;  // both or neither
  bool plain_http_behind_proxy = false;  // a non-loopback --bind without TLS: a TLS proxy is in front
  std::optional<std::filesystem::path> audit_log;
  bool metrics_token_free = false;  // GET /metrics without a token (a scraper on a trusted network)
  Launcher::Mode launcher = Launcher::Mode::local;
  std::string launch_command;  // empty: Launcher::default_template
  std::string mpiexec = "mpirun";
  int ranks = 1;
  QueueOptions queue;
  std::vector<std::string> callback_allow;
  CallbackOptions callback;
  std::size_t body_limit = 64 * 1024;
  ConnectionLimits connections;
  std::filesystem::path finseg_binary;
};

bool is_loopback(const std::string& host) noexcept;

// Throws UsageError (bad options), StoreError (store unreadable), IoError (results folder, port).
int run_service(const ServeOptions& options);

}  // namespace finseg::http
