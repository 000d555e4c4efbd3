#include "http/connection_guard.hpp"

#include "http/log.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <thread>
#include <vector>

namespace finseg::http {

namespace {

using Clock = std::chrono::steady_clock;

// Waits until `sock` has `events` or `deadline` passes; false at once when `stop_fd` (the read
// end of the stop pipe, -1: none) becomes readable. No periodic wake-ups: 500 idle connections
// cost nothing.
bool wait_for(int sock, short events, Clock::time_point deadline, int stop_fd) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p[2] = {{sock, events, 0}, {stop_fd, POLLIN, 0}};
    const int r = ::poll(p, stop_fd >= 0 ? 2 : 1, static_cast<int>(std::min<long long>(left, 60'000)));
    if (r > 0) return p[1].revents == 0;  // the socket is ready, hung up or failed: the next call tells
    if (r < 0 && errno != EINTR) return false;
  }
}

bool address_of(int sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  if ((peer ? ::getpeername(sock, sa, &len) : ::getsockname(sock, sa, &len)) != 0) return false;
  if (addr.ss_family == AF_INET) port = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  else if (addr.ss_family == AF_INET6) port = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  else return false;
  char host[NI_MAXHOST] = {};
  if (::getnameinfo(sa, len, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) return false;
  ip = host;
  return true;
}

// A socket stream whose reads all end at one deadline: a request must arrive whole in time,
// however its bytes are spread. Reads are buffered (httplib reads request lines byte by byte).
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(socket_t sock, Clock::time_point read_deadline, std::chrono::seconds write_timeout,
                 int stop_fd)
      : sock_(sock), read_deadline_(read_deadline), write_timeout_(write_timeout), stop_fd_(stop_fd) {}

  bool is_readable() const override { return wait_for(sock_, POLLIN, read_deadline_, stop_fd_); }
  bool is_writable() const override { return wait_for(sock_, POLLOUT, Clock::now() + write_timeout_, -1); }

  ssize_t read(char* ptr, size_t size) override {
    if (next_ == end_) {
      if (!is_readable()) return -1;
      const ssize_t n = ::recv(sock_, buffer_.data(), buffer_.size(), 0);
      if (n <= 0) return n;
      next_ = 0;
      end_ = static_cast<std::size_t>(n);
    }
    const std::size_t n = std::min(size, end_ - next_);
    std::memcpy(ptr, buffer_.data() + next_, n);
    next_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    return ::send(sock_, ptr, size, MSG_NOSIGNAL);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { address_of(sock_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address_of(sock_, false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  socket_t sock_;
  Clock::time_point read_deadline_;
  std::chrono::seconds write_timeout_;
  int stop_fd_;
  std::vector<char> buffer_ = std::vector<char>(4096);
  std::size_t next_ = 0, end_ = 0;
};

}  // namespace

void ConnectionThreads::enqueue(std::function<void()> fn) {
  {
    const std::lock_guard lock(mutex_);
    ++running_;
  }
  const auto done = [this] {
    const std::lock_guard lock(mutex_);
    if (--running_ == 0) idle_.notify_all();
  };
  try {
    std::thread([fn, done] {
      fn();
      done();
    }).detach();
  } catch (const std::system_error& e) {  // no thread to be had: serve it on the accept thread
    log_line(std::string("cannot start a connection thread (") + e.what() + "): serving it on the accept thread");
    fn();
    done();
  }
}

void ConnectionThreads::shutdown() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return running_ == 0; });
}

GuardedServer::GuardedServer(ConnectionLimits limits) : limits_(limits) {
  new_task_queue = [] { return new ConnectionThreads; };
  if (::pipe2(stop_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
}

GuardedServer::~GuardedServer() {
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
}

void GuardedServer::stop() {
  httplib::Server::stop();
  (void)!::write(stop_pipe_[1], "x", 1);  // never read: from now on every wait ends at once
}

int GuardedServer::bind_and_listen(const std::string& host, int port) {
  if (port == 0) port = bind_to_any_port(host);
  else if (!bind_to_port(host, port)) port = -1;
  if (port > 0 && ::listen(svr_sock_, 1024) != 0) return -1;
  return port;
}

bool GuardedServer::admit(const std::string& client) {
  const std::lock_guard lock(mutex_);
  auto& mine = open_by_client_[client];
  if (open_ >= limits_.max_connections || mine >= limits_.max_per_client) {
    if (mine == 0) open_by_client_.erase(client);
    return false;
  }
  ++open_;
  ++mine;
  return true;
}

void GuardedServer::release(const std::string& client) {
  const std::lock_guard lock(mutex_);
  --open_;
  if (--open_by_client_[client] == 0) open_by_client_.erase(client);
}

// 503 without reading the request (reading is what a flood wants us to spend time on); one log
// line per second at most, with the count, so that a flood cannot fill the log either.
void GuardedServer::refuse(socket_t sock, const std::string& client) {
  static const std::string body =
      R"({"errors":[{"message":"too many open connections (from this client or in all); retry later","code":"TOO_MANY_CONNECTIONS"}]})";
  const std::string answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
                             "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  (void)::send(sock, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  std::size_t refused = 0;
  {
    const std::lock_guard lock(mutex_);
    ++refused_since_log_;
    if (Clock::now() - last_refusal_log_ >= std::chrono::seconds(1)) {
      refused = refused_since_log_;
      refused_since_log_ = 0;
      last_refusal_log_ = Clock::now();
    }
  }
  if (refused)
    log_line("refused " + std::to_string(refused) + " connection(s) over the limits (last from " + client + "; " +
             std::to_string(limits_.max_per_client) + " per client, " + std::to_string(limits_.max_connections) + " in all)");
}

// httplib's keep-alive loop, with a deadline per request instead of a timeout per read.
bool GuardedServer::serve(socket_t sock) {
  bool ok = false;
  const auto keep_alive = std::chrono::seconds(keep_alive_timeout_sec_);
  for (std::size_t left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
    if (!wait_for(sock, POLLIN, Clock::now() + keep_alive, stop_pipe_[0])) break;
    DeadlineStream stream(sock, Clock::now() + limits_.request_timeout, std::chrono::seconds(write_timeout_sec_), stop_pipe_[0]);
    bool closed = false;
    ok = process_request(stream, left == 1, closed, nullptr);
    if (!ok || closed) break;
  }
  return ok;
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  std::string client;
  int port = 0;
  if (!address_of(sock, true, client, port)) client = "?";
  bool ok = false;
  if (admit(client)) {
    ok = serve(sock);
    release(client);
  } else {
    refuse(sock, client);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace finseg::http
