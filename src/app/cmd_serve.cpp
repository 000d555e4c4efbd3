#include "app/args.hpp"
#include "app/commands.hpp"
#include "http/service.hpp"

namespace finseg {

// `finseg serve`: the finAPI-compatible segments API (SEGMENTS.md 3, docs/openapi.yaml). Not an
// MPI program: main() starts no MPI session for it; the jobs run as `mpirun ... finseg run`.
int cmd_serve(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv,
                  {"store", "results", "port", "bind", "tokens", "launcher", "launch-command", "mpiexec", "ranks", "max-running",
                   "expiry-days", "expiry-seconds", "job-timeout", "callback-allow", "body-limit", "max-connections",
                   "max-connections-per-client", "request-timeout", "tls-cert", "tls-key", "audit-log", "callback-ca",
                   "coalesce-ms", "coalesce-max"},
                  {"no-auth", "plain-http-behind-proxy", "metrics-token-free"});
  if (!args.positional().empty()) throw UsageError("serve takes no positional arguments");
  if (comm.size() != 1) throw UsageError("serve is not an MPI program: start it without mpirun");
  http::ServeOptions o;
  o.store = args.require("store");
  o.results = args.require("results");
  if (!args.has("port")) throw UsageError("serve needs --port P (0: any free port, printed on stdout)");
  o.port = static_cast<int>(args.get_int("port", 0, 0, 65535));
  o.bind = args.get("bind").value_or("127.0.0.1");
  if (const auto t = args.get("tokens")) o.tokens = *t;
  o.no_auth = args.flag("no-auth");
  if (const auto c = args.get("tls-cert")) o.tls_cert = *c;
  if (const auto k = args.get("tls-key")) o.tls_key = *k;
  o.plain_http_behind_proxy = args.flag("plain-http-behind-proxy");
  if (const auto a = args.get("audit-log")) o.audit_log = *a;
  o.metrics_token_free = args.flag("metrics-token-free");
  if (const auto ca = args.get("callback-ca")) o.callback.ca_file = *ca;
  const std::string launcher = args.get("launcher").value_or("local");
  if (launcher == "local") o.launcher = http::Launcher::Mode::local;
  else if (launcher == "slurm") o.launcher = http::Launcher::Mode::slurm;
  else throw UsageError("--launcher must be local or slurm, got '" + launcher + "'");
  o.launch_command = args.get("launch-command").value_or("");
  o.mpiexec = args.get("mpiexec").value_or("mpirun");
  o.ranks = static_cast<int>(args.get_int("ranks", 1, 1, 4096));
  o.queue.max_running = static_cast<int>(args.get_int("max-running", 2, 1, 1024));
  if (args.has("expiry-days") && args.has("expiry-seconds")) throw UsageError("give --expiry-days or --expiry-seconds, not both");
  o.queue.expiry_seconds = args.has("expiry-seconds") ? args.get_int("expiry-seconds", 0, 1, 10LL * 365 * 86400)
                                                      : args.get_int("expiry-days", 14, 1, 3650) * 86400;
  o.queue.coalesce_window = std::chrono::milliseconds(args.get_int("coalesce-ms", 200, 0, 60000));
  o.queue.coalesce_max = static_cast<int>(args.get_int("coalesce-max", 32, 1, 1024));
  o.queue.job_timeout_seconds = args.get_int("job-timeout", 86400, 1, 30LL * 86400);
  o.callback_allow = args.all("callback-allow");
  o.body_limit = static_cast<std::size_t>(args.get_int("body-limit", 64 * 1024, 64, 64LL * 1024 * 1024));
  // select() in httplib 0.11 answers 500 for a socket number >= 1024: room for ~100 other files.
  o.connections.max_connections = static_cast<std::size_t>(args.get_int("max-connections", 512, 1, 900));
  o.connections.max_per_client = static_cast<std::size_t>(args.get_int("max-connections-per-client", 128, 1, 900));
  o.connections.request_timeout = std::chrono::seconds(args.get_int("request-timeout", 10, 1, 3600));
  std::error_code ec;
  o.finseg_binary = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) o.finseg_binary = "finseg";
  return http::run_service(o);
}

}  // namespace finseg
