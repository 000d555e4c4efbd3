#include "http/service.hpp"

#include "core/errors.hpp"
#include "core/taxonomy.hpp"
#include "http/audit_log.hpp"
#include "http/connection_guard.hpp"
#include "http/log.hpp"
#include "http/metrics.hpp"
#include "http/ops_api.hpp"
#include "http/segments_api.hpp"
#include "http/tls.hpp"
#include "http/tokens.hpp"
#include "store/store.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <thread>

namespace finseg::http {

namespace {

// One service per results folder: a second one would launch the same queued jobs twice.
class FolderLock {
 public:
  explicit FolderLock(const std::filesystem::path& file) {
    std::filesystem::create_directories(file.parent_path());
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0 || ::flock(fd_, LOCK_EX | LOCK_NB) != 0)
      throw IoError("another finseg serve uses this results folder (" + file.string() + " is locked)");
  }
  ~FolderLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

TokenTable load_tokens(const ServeOptions& o) {
  if (o.tokens) {
    if (o.no_auth) throw UsageError("--tokens and --no-auth exclude each other");
    return TokenTable::load(*o.tokens);
  }
  if (!o.no_auth) throw UsageError("serve needs --tokens FILE (or --no-auth, for a loopback --bind only)");
  if (!is_loopback(o.bind)) throw UsageError("--no-auth is refused with --bind " + o.bind + ": loopback addresses only");
  log_line("warning: --no-auth: every request is client 'anonymous'");
  return TokenTable::anonymous();
}

// TLS, or the operator's word that a TLS proxy terminates in front: tokens and documents never
// cross a network in clear text.
std::unique_ptr<TlsCredentials> load_tls(const ServeOptions& o) {
  if (o.tls_cert.has_value() != o.tls_key.has_value()) throw UsageError("--tls-cert and --tls-key go together");
  if (o.tls_cert) {
    if (o.plain_http_behind_proxy) throw UsageError("--plain-http-behind-proxy and --tls-cert exclude each other");
    return std::make_unique<TlsCredentials>(*o.tls_cert, *o.tls_key);
  }
  if (!is_loopback(o.bind) && !o.plain_http_behind_proxy)
    throw UsageError("--bind " + o.bind + " without TLS is refused: bearer tokens and documents would cross the network in clear text. " +
                     "Give --tls-cert FILE --tls-key FILE, or --plain-http-behind-proxy when a TLS proxy in front is the only client " +
                     "of this port (docs/operators.md)");
  if (o.plain_http_behind_proxy)
    log_line("warning: --plain-http-behind-proxy: plain HTTP on " + o.bind + "; only the TLS proxy in front may reach this port");
  return nullptr;
}

// SIGHUP: the token file again, the renewed certificate, and a fresh audit file after logrotate
// moved the old one. A failure keeps what runs and is logged: a typo must not take the service down.
void reload(const ServeOptions& o, TokenTable& tokens, TlsCredentials* tls, AuditLog* audit) {
  log_line("SIGHUP: reloading");
  try {
    if (o.tokens) {
      tokens.replace(TokenTable::load(*o.tokens));
      log_line("tokens reloaded: " + std::to_string(tokens.size()) + " tokens");
    }
  } catch (const Error& e) {
    log_line(std::string("error: token reload failed, the previous tokens stay: ") + e.what());
  }
  try {
    if (tls) log_line(tls->reload());
  } catch (const Error& e) {
    log_line(std::string("error: TLS reload failed, the previous certificate stays: ") + e.what());
  }
  try {
    if (audit) audit->reopen();
  } catch (const Error& e) {
    log_line(std::string("error: audit log reopen failed, writing on to the previous file: ") + e.what());
  }
}

}  // namespace

bool is_loopback(const std::string& host) noexcept {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

int run_service(const ServeOptions& o) {
  // Signals (stop, and SIGHUP: reload) are taken by one thread (sigwait); every other thread,
  // started below, inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  TokenTable tokens = load_tokens(o);
  const std::unique_ptr<TlsCredentials> tls = load_tls(o);
  if (!o.callback.ca_file.empty() && !std::ifstream(o.callback.ca_file))
    throw UsageError("--callback-ca " + o.callback.ca_file + ": cannot read the file");
  const StoreManifest manifest = read_manifest(o.store);  // the taxonomy the requests are checked against
  const FolderLock lock(o.results / ".service" / "lock");
  const Launcher launcher(o.launcher, o.launch_command.empty() ? Launcher::default_template(o.launcher) : o.launch_command);
  std::vector<AllowEntry> allow;
  for (const auto& a : o.callback_allow) allow.push_back(parse_allow_entry(a));

  LaunchVars vars;
  vars.finseg = o.finseg_binary.string();
  vars.mpiexec = o.mpiexec;
  vars.ranks = std::to_string(o.ranks);
  vars.store = std::filesystem::absolute(o.store).string();
  vars.results = std::filesystem::absolute(o.results).string();

  const std::unique_ptr<AuditLog> audit = o.audit_log ? std::make_unique<AuditLog>(*o.audit_log) : nullptr;
  // One server for plain HTTP and TLS, so the connection limits and the request deadline hold for
  // both (GuardedServer does the handshake itself; its SSL_CTX gets the certificate callback).
  GuardedServer server(o.connections, tls ? std::function<bool(SSL_CTX&)>([&tls](SSL_CTX& ctx) { return tls->configure(ctx); })
                                          : std::function<bool(SSL_CTX&)>());
  if (!server.is_valid()) throw IoError("TLS: cannot set up OpenSSL's server context");
  server.set_write_timeout(10, 0);
  server.set_keep_alive_timeout(5);
  // httplib writes an answer's headers and body apart: with Nagle on, the body waits for the
  // client's delayed ACK, ~27 ms per request on a keep-alive connection (scripts/bench-http-tls:
  // 400 GETs 11.0 s -> 0.14 s).
  server.set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, with which a second service on the same port starts
  // and the kernel splits the requests between the two: SO_REUSEADDR only, so bind fails instead.
  server.set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  Metrics metrics;
  server.set_logger([&audit, &tokens, &metrics](const httplib::Request& req, const httplib::Response& res) {
    log_line(req.method + " " + req.path + " " + std::to_string(res.status) + " from " + req.remote_addr);
    metrics.count_request(req.method, req.path, res.status);
    if (audit) audit->record(audit_event(req, res, tokens));
  });
  const int port = server.bind_and_listen(o.bind, o.port);
  if (port <= 0)
    throw IoError("cannot listen on " + o.bind + ":" + std::to_string(o.port) + ": " + std::strerror(errno) +
                  (errno == EADDRINUSE ? " (another service listens on this port)" : ""));

  CallbackSender callbacks(std::move(allow), o.callback);
  JobQueue jobs(o.results, launcher, vars, callbacks, o.queue);
  jobs.set_metrics(&metrics);
  SegmentsApi api(jobs, tokens, Taxonomy(manifest.label_groups), o.body_limit);
  api.install(server);
  OpsApi ops(jobs, metrics, tokens, launcher, vars, o.metrics_token_free);
  ops.install(server);
  callbacks.start();
  jobs.start();

  std::thread signals([&server, &o, &tokens, &tls, &audit, stop_signals] {
    int sig = 0;
    while (sigwait(&stop_signals, &sig) == 0 && sig == SIGHUP) reload(o, tokens, tls.get(), audit.get());
    log_line(std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
    server.stop();
  });
  const std::string scheme = tls ? "https" : "http";
  std::printf("listening on %s://%s:%d\n", scheme.c_str(), o.bind.c_str(), port);
  std::fflush(stdout);
  if (tls) log_line("TLS certificate: " + tls->describe());
  log_line("listening on " + scheme + "://" + o.bind + ":" + std::to_string(port) + " (store " + vars.store + ", results " + vars.results +
           ", " + (o.launcher == Launcher::Mode::local ? "local" : "slurm") + " launcher, max " +
           std::to_string(o.queue.max_running) + " running)");
  const bool ok = server.listen_after_bind();
  if (!server.is_running()) pthread_kill(signals.native_handle(), SIGTERM);  // wakes sigwait if it still waits
  signals.join();
  jobs.stop();
  callbacks.stop();
  log_line("stopped");
  return ok ? 0 : static_cast<int>(ExitCode::io);
}

}  // namespace finseg::http
