#include "http/deadline_stream.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace finseg::http {

namespace {

// Runs one OpenSSL call (`step`: SSL_accept, SSL_read or SSL_write on the non-blocking socket)
// until it gets on, waiting for whatever OpenSSL wants from the socket until `deadline`.
// > 0: done (its result); 0: the peer sent close_notify; -1: failed, too late or stopping.
// `failed` is set when the session itself broke (no close_notify may follow), not for a timeout.
template <class Step>
int tls_step(SSL* ssl, int sock, Clock::time_point deadline, int stop_fd, bool& failed, Step step) {
  for (;;) {
    if (Clock::now() >= deadline) return -1;
    ERR_clear_error();
    const int r = step();
    if (r > 0) return r;
    const int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      if (!wait_for(sock, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, stop_fd)) return -1;
      continue;
    }
    if (e == SSL_ERROR_ZERO_RETURN) return 0;
    failed = true;  // SSL_ERROR_SSL, or SSL_ERROR_SYSCALL (e.g. the peer closed without close_notify)
    ERR_clear_error();
    return -1;
  }
}

// The same for the plain socket: `io` is recv or send, retried after EAGAIN until `deadline`.
template <class Io>
ssize_t plain_step(int sock, short events, Clock::time_point deadline, int stop_fd, Io io) {
  for (;;) {
    if (Clock::now() >= deadline) return -1;
    const ssize_t n = io();
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if ((errno != EAGAIN && errno != EWOULDBLOCK) || !wait_for(sock, events, deadline, stop_fd)) return -1;
  }
}

}  // namespace

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

bool set_nonblocking(int sock) {
  const int flags = ::fcntl(sock, F_GETFL);
  return flags >= 0 && ::fcntl(sock, F_SETFL, flags | O_NONBLOCK) == 0;
}

bool tls_accept(SSL* ssl, int sock, Clock::time_point deadline, int stop_fd) {
  bool failed = false;
  return tls_step(ssl, sock, deadline, stop_fd, failed, [ssl] { return SSL_accept(ssl); }) == 1;
}

DeadlineStream::DeadlineStream(socket_t sock, SSL* ssl, std::chrono::seconds write_timeout, int stop_fd)
    : sock_(sock), ssl_(ssl), write_timeout_(write_timeout), stop_fd_(stop_fd) {}

bool DeadlineStream::has_buffered() const {
  return next_ < end_ || (ssl_ && (SSL_pending(ssl_) > 0 || SSL_has_pending(ssl_) == 1));
}

bool DeadlineStream::is_readable() const { return has_buffered() || wait_for(sock_, POLLIN, read_deadline_, stop_fd_); }

bool DeadlineStream::is_writable() const { return wait_for(sock_, POLLOUT, Clock::now() + write_timeout_, -1); }

ssize_t DeadlineStream::receive() {
  const int size = static_cast<int>(buffer_.size());
  if (ssl_)
    return tls_step(ssl_, sock_, read_deadline_, stop_fd_, tls_failed_, [this, size] { return SSL_read(ssl_, buffer_.data(), size); });
  return plain_step(sock_, POLLIN, read_deadline_, stop_fd_, [this] { return ::recv(sock_, buffer_.data(), buffer_.size(), 0); });
}

// Reads are buffered: httplib reads request lines byte by byte.
ssize_t DeadlineStream::read(char* ptr, size_t size) {
  if (next_ == end_) {
    const ssize_t n = receive();
    if (n <= 0) return n;
    next_ = 0;
    end_ = static_cast<std::size_t>(n);
  }
  const std::size_t n = std::min(size, end_ - next_);
  std::memcpy(ptr, buffer_.data() + next_, n);
  next_ += n;
  return static_cast<ssize_t>(n);
}

// Each write has --write-timeout of its own and is not cut short by a stop: an answer being
// written is finished. Never 0 for a non-empty write (httplib would call again forever).
ssize_t DeadlineStream::write(const char* ptr, size_t size) {
  if (size == 0) return 0;
  const auto deadline = Clock::now() + write_timeout_;
  if (ssl_) {
    const int part = static_cast<int>(std::min<size_t>(size, INT_MAX));
    const int n = tls_step(ssl_, sock_, deadline, -1, tls_failed_, [this, ptr, part] { return SSL_write(ssl_, ptr, part); });
    return n > 0 ? n : -1;
  }
  const ssize_t n = plain_step(sock_, POLLOUT, deadline, -1, [this, ptr, size] { return ::send(sock_, ptr, size, MSG_NOSIGNAL); });
  return n > 0 ? n : -1;
}

void DeadlineStream::get_remote_ip_and_port(std::string& ip, int& port) const { address_of(sock_, true, ip, port); }

void DeadlineStream::get_local_ip_and_port(std::string& ip, int& port) const { address_of(sock_, false, ip, port); }

}  // namespace finseg::http
