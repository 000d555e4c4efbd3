#include "http/service.hpp"

#include "core/errors.hpp"
#include "core/taxonomy.hpp"
#include "http/connection_guard.hpp"
#include "http/log.hpp"
#include "http/segments_api.hpp"
#include "http/tokens.hpp"
#include "io/store.hpp"

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

}  // namespace

bool is_loopback(const std::string& host) noexcept {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

int run_service(const ServeOptions& o) {
  // Signals are taken by one thread (sigwait); every other thread, started below, inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  const TokenTable tokens = load_tokens(o);
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

  GuardedServer server(o.connections);
  server.set_write_timeout(10, 0);
  server.set_keep_alive_timeout(5);
  // httplib's default also sets SO_REUSEPORT, with which a second service on the same port starts
  // and the kernel splits the requests between the two: SO_REUSEADDR only, so bind fails instead.
  server.set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    log_line(req.method + " " + req.path + " " + std::to_string(res.status) + " from " + req.remote_addr);
  });
  const int port = server.bind_and_listen(o.bind, o.port);
  if (port <= 0)
    throw IoError("cannot listen on " + o.bind + ":" + std::to_string(o.port) + ": " + std::strerror(errno) +
                  (errno == EADDRINUSE ? " (another service listens on this port)" : ""));

  CallbackSender callbacks(std::move(allow), o.callback);
  JobQueue jobs(o.results, launcher, vars, callbacks, o.queue);
  SegmentsApi api(jobs, tokens, Taxonomy(manifest.label_groups), o.body_limit);
  api.install(server);
  callbacks.start();
  jobs.start();

  std::thread signals([&server, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    log_line(std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
    server.stop();
  });
  std::printf("listening on http://%s:%d\n", o.bind.c_str(), port);
  std::fflush(stdout);
  log_line("listening on http://" + o.bind + ":" + std::to_string(port) + " (store " + vars.store + ", results " + vars.results +
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
