#include "http/connection_guard.hpp"

#include "http/deadline_stream.hpp"
#include "http/log.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <thread>

namespace finseg::http {

namespace {

// Over the limits with TLS, at most this many handshakes run at a time to tell the client 503,
// each within kRefusalHandshake at most; beyond, the connection is closed without an answer.
constexpr std::size_t kRefusalHandshakes = 16;
constexpr std::chrono::seconds kRefusalHandshake{2};

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

GuardedServer::GuardedServer(ConnectionLimits limits, const std::function<bool(SSL_CTX&)>& tls_setup)
    : limits_(limits), tls_(static_cast<bool>(tls_setup)) {
  new_task_queue = [] { return new ConnectionThreads; };
  if (::pipe2(stop_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  if (tls_) {
    tls_ctx_ = SSL_CTX_new(TLS_server_method());
    if (tls_ctx_ && !tls_setup(*tls_ctx_)) {
      SSL_CTX_free(tls_ctx_);
      tls_ctx_ = nullptr;
    }
  }
}

GuardedServer::~GuardedServer() {
  SSL_CTX_free(tls_ctx_);
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
}

bool GuardedServer::is_valid() const { return !tls_ || tls_ctx_ != nullptr; }

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
  if (tls_ctx_) refuse_tls(sock, answer);
  else (void)::send(sock, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
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

// Over TLS a 503 needs a handshake first, or the client sees only a closed connection and cannot
// tell a limit from a broken server. But a handshake costs CPU and keeps the refused connection's
// thread waiting for the client, which is what a flood wants: so at most kRefusalHandshakes run
// at once, each within kRefusalHandshake; beyond, the connection is closed without a word.
void GuardedServer::refuse_tls(socket_t sock, const std::string& answer) {
  {
    const std::lock_guard lock(mutex_);
    if (refusing_tls_ >= kRefusalHandshakes) return;
    ++refusing_tls_;
  }
  SSL* ssl = SSL_new(tls_ctx_);
  const auto deadline = Clock::now() + std::min<std::chrono::seconds>(limits_.request_timeout, kRefusalHandshake);
  if (ssl && SSL_set_fd(ssl, sock) == 1 && tls_accept(ssl, sock, deadline, stop_pipe_[0])) {
    DeadlineStream stream(sock, ssl, kRefusalHandshake, stop_pipe_[0]);
    if (stream.write(answer.data(), answer.size()) > 0) SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  ERR_clear_error();
  const std::lock_guard lock(mutex_);
  --refusing_tls_;
}

// httplib's keep-alive loop, with a deadline per request instead of a timeout per read. One stream
// for the connection, so that bytes read ahead (a pipelined request) stay for the next request.
bool GuardedServer::serve(DeadlineStream& stream, SSL* ssl) {
  bool ok = false;
  const auto keep_alive = std::chrono::seconds(keep_alive_timeout_sec_);
  std::function<void(httplib::Request&)> setup;
  if (ssl) setup = [ssl](httplib::Request& req) { req.ssl = ssl; };  // as httplib::SSLServer does
  for (std::size_t left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
    if (!stream.has_buffered() && !wait_for(stream.socket(), POLLIN, Clock::now() + keep_alive, stop_pipe_[0])) break;
    stream.start_request(Clock::now() + limits_.request_timeout);
    bool closed = false;
    ok = process_request(stream, left == 1, closed, setup);
    if (!ok || closed) break;
  }
  return ok;
}

// The handshake within --request-timeout, then the requests; close_notify at the end (the
// client's is not waited for) unless the session broke.
bool GuardedServer::serve_tls(socket_t sock) {
  SSL* ssl = SSL_new(tls_ctx_);
  if (!ssl) return false;
  bool ok = false;
  if (SSL_set_fd(ssl, sock) == 1 && tls_accept(ssl, sock, Clock::now() + limits_.request_timeout, stop_pipe_[0])) {
    DeadlineStream stream(sock, ssl, std::chrono::seconds(write_timeout_sec_), stop_pipe_[0]);
    ok = serve(stream, ssl);
    if (!stream.tls_failed()) SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  ERR_clear_error();
  return ok;
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  std::string client;
  int port = 0;
  if (!address_of(sock, true, client, port)) client = "?";
  bool ok = false;
  if (!set_nonblocking(sock)) {
    log_line(std::string("cannot make a connection's socket non-blocking: ") + std::strerror(errno));
  } else if (admit(client)) {
    if (tls_ctx_) {
      ok = serve_tls(sock);
    } else {
      DeadlineStream stream(sock, nullptr, std::chrono::seconds(write_timeout_sec_), stop_pipe_[0]);
      ok = serve(stream, nullptr);
    }
    release(client);
  } else {
    refuse(sock, client);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace finseg::http
