// The service's connection handling, in place of httplib's: a slow client costs one thread and
// one connection slot for at most --request-timeout, and one address holds at most
// --max-connections-per-client slots, so slow or many clients cannot starve the others.
//
// httplib 0.11 (Debian 12) gives each connection a pool thread for as long as the client keeps
// sending, one byte per read timeout being enough: 16 clients sending a byte every 3 s took all 16
// threads and the service answered nobody. Here each connection gets its own thread (the slots
// bound them), every request must arrive whole (request line, headers, body) within its deadline,
// and a connection over a limit is answered 503 at once and closed.
//
// The same class serves TLS (`--tls-cert`): it does the handshake itself, on the connection's
// thread, within --request-timeout, and reads requests through OpenSSL under the same deadlines,
// so the limits hold for TLS clients too. httplib::SSLServer would hand each connection to a pool
// thread with a blocking SSL_accept and SSL_read: a client that never finishes its handshake, or
// sends a TLS record byte by byte, held that thread for as long as it liked.
#pragma once

#include "http/connection_limits.hpp"

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace finseg::http {

// One thread per connection; shutdown() waits for all of them (the server closes idle ones).
class ConnectionThreads final : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

 private:
  std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t running_ = 0;
};

class DeadlineStream;

class GuardedServer final : public httplib::Server {
 public:
  // `tls_setup` empty: plain HTTP. Otherwise it sets up the SSL_CTX every connection's TLS session
  // is made from (as httplib::SSLServer's setup callback does), e.g. TlsCredentials::configure.
  explicit GuardedServer(ConnectionLimits limits, const std::function<bool(SSL_CTX&)>& tls_setup = nullptr);
  ~GuardedServer() override;
  GuardedServer(const GuardedServer&) = delete;
  GuardedServer& operator=(const GuardedServer&) = delete;

  // false when the TLS context could not be set up.
  bool is_valid() const override;

  // httplib's stop(), and wakes every connection that waits for a client: idle and slow ones
  // end at once, requests being handled finish. (Hides Server::stop, which is not virtual.)
  void stop();

  // bind_to_port (bind_to_any_port for port 0) with a listen backlog of 1024: httplib's is 5, and
  // once 5 handshakes wait, the kernel drops the next ones and a client retries after 1, 3, 7 s.
  // Returns the port, or -1 with errno set.
  int bind_and_listen(const std::string& host, int port);

 private:
  // Overrides httplib's (a private virtual, called from its accept loop for each connection).
  bool process_and_close_socket(socket_t sock) override;
  bool admit(const std::string& client);
  void release(const std::string& client);
  void refuse(socket_t sock, const std::string& client);
  void refuse_tls(socket_t sock, const std::string& answer);
  bool serve_tls(socket_t sock);
  bool serve(DeadlineStream& stream, SSL* ssl);

  ConnectionLimits limits_;
  std::mutex mutex_;
  std::size_t open_ = 0;
  std::map<std::string, std::size_t> open_by_client_;
  std::size_t refused_since_log_ = 0;
  std::chrono::steady_clock::time_point last_refusal_log_{};
  int stop_pipe_[2] = {-1, -1};
  bool tls_ = false;            // TLS wanted (tls_ctx_ is null when its setup failed)
  SSL_CTX* tls_ctx_ = nullptr;  // SSL_new is thread-safe on it; it is never changed after setup
  std::size_t refusing_tls_ = 0;
};

}  // namespace finseg::http
