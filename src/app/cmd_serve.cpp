#include "app/args.hpp"
#include "app/commands.hpp"
#include "http/service.hpp"

namespace finseg {

const CommandSpec& serve_spec() {
  static const CommandSpec spec{
      "serve", "the segments HTTP API (docs/openapi.yaml); jobs run as finseg run",
      "Not an MPI program. SIGHUP reloads tokens and certificate, reopens the audit log.", "",
      {option("store", "STORE", "the store folder").required(),
       option("results", "DIR", "the results folder, one service per folder").required(),
       integer("port", "P", "port to listen on (0: any free port, printed on stdout)", std::nullopt, 0, 65535).required(),
       option("bind", "ADDR", "address to listen on").default_is("127.0.0.1"),
       option("tokens", "FILE", "the clients' token file (finseg token); or --no-auth"),
       flag("no-auth", "accept requests without a token"),
       choice("launcher", "MODE", "how jobs run: mpirun as a child, or scripts/finseg-submit", {"local", "slurm"}, "local"),
       option("launch-command", "CMD", "replaces the launcher's command ({finseg} {mpiexec} {ranks} {store} {results} {jobId} "
                                       "{jobFile} {segment}, no shell)"),
       option("mpiexec", "CMD", "the MPI launcher of --launcher local").default_is("mpirun"),
       integer("ranks", "N", "ranks of each run", 1, 1, 4096),
       integer("max-running", "N", "jobs running at once, the rest queued", 2, 1, 1024),
       integer("expiry-days", "D", "days after creation a job expires", 14, 1, 3650).excluding("expiry-seconds"),
       integer("expiry-seconds", "S", "seconds after creation a job expires", std::nullopt, 1, 10LL * 365 * 86400),
       integer("job-timeout", "S", "seconds a run may take before its job fails", 86400, 1, 30LL * 86400),
       option("callback-allow", "HOST[:PORT]", "a host callbackURLs may call (none by default)").repeatable(),
       option("callback-ca", "FILE", "CA certificates (PEM) of https callbacks, besides the system's"),
       integer("body-limit", "BYTES", "largest request body", 64 * 1024, 64, 64LL * 1024 * 1024),
       // select() in httplib 0.11 answers 500 for a socket number >= 1024: room for ~100 other files.
       integer("max-connections", "N", "open connections at once", 512, 1, 900),
       integer("max-connections-per-client", "N", "open connections of one client address", 128, 1, 900),
       integer("request-timeout", "S", "seconds to read a request", 10, 1, 3600),
       option("tls-cert", "FILE", "TLS certificate chain (PEM), with --tls-key"),
       option("tls-key", "FILE", "TLS private key (PEM), with --tls-cert"),
       flag("plain-http-behind-proxy", "serve plain HTTP on a non-loopback --bind (a TLS proxy in front)"),
       option("audit-log", "FILE", "one JSON line per answered request (mode 0600)"),
       integer("coalesce-ms", "MS", "jobs accepted within this window run together as one finseg run", 200, 0, 60000),
       integer("coalesce-max", "N", "jobs in one coalesced run at most (1: no coalescing)", 32, 1, 1024),
       flag("metrics-token-free", "GET /metrics without a token (for a scraper on a trusted network)")}};
  return spec;
}

// `finseg serve`: the finAPI-compatible segments API (SEGMENTS.md 3, docs/openapi.yaml). Not an
// MPI program: main() starts no MPI session for it; the jobs run as `mpirun ... finseg run`.
int cmd_serve(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, serve_spec());
  if (comm.size() != 1) throw UsageError("serve is not an MPI program: start it without mpirun");
  http::ServeOptions o;
  o.store = args.require("store");
  o.results = args.require("results");
  o.port = static_cast<int>(args.get_int("port"));
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
  o.ranks = static_cast<int>(args.get_int("ranks"));
  o.queue.max_running = static_cast<int>(args.get_int("max-running"));
  o.queue.expiry_seconds = args.has("expiry-seconds") ? args.get_int("expiry-seconds") : args.get_int("expiry-days") * 86400;
  o.queue.coalesce_window = std::chrono::milliseconds(args.get_int("coalesce-ms"));
  o.queue.coalesce_max = static_cast<int>(args.get_int("coalesce-max"));
  o.queue.job_timeout_seconds = args.get_int("job-timeout");
  o.callback_allow = args.all("callback-allow");
  o.body_limit = static_cast<std::size_t>(args.get_int("body-limit"));
  o.connections.max_connections = static_cast<std::size_t>(args.get_int("max-connections"));
  o.connections.max_per_client = static_cast<std::size_t>(args.get_int("max-connections-per-client"));
  o.connections.request_timeout = std::chrono::seconds(args.get_int("request-timeout"));
  std::error_code ec;
  o.finseg_binary = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) o.finseg_binary = "finseg";
  return http::run_service(o);
}

}  // namespace finseg
