// A connection's byte stream for httplib's request parser, plain or TLS, whose reads all end at one
// deadline per request: a request must arrive whole in time, however its bytes (or TLS records)
// are spread. Used by GuardedServer (connection_guard.hpp) in place of httplib's SocketStream and
// SSLSocketStream, which give a slow client a fresh read timeout for every byte.
//
// The socket is non-blocking and every wait is a poll() that also ends when the server's stop pipe
// becomes readable. With TLS, OpenSSL reads and writes through the same non-blocking socket, so a
// client that sends half a TLS record cannot hold an SSL_read (or SSL_accept) past the deadline,
// as it could with httplib's blocking SSL socket.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace finseg::http {

using Clock = std::chrono::steady_clock;

// Waits until `sock` has `events` or `deadline` passes; false at once when `stop_fd` (the read
// end of the stop pipe, -1: none) becomes readable. No periodic wake-ups: 500 idle connections
// cost nothing.
bool wait_for(int sock, short events, Clock::time_point deadline, int stop_fd);

// The numeric address and port of the peer (peer = true) or of this end; false when unknown.
bool address_of(int sock, bool peer, std::string& ip, int& port);

// Makes `sock` non-blocking (what DeadlineStream and tls_accept expect); false on failure.
bool set_nonblocking(int sock);

// The server side of the TLS handshake of `ssl` (made by SSL_new, set to `sock`) by `deadline`;
// false when it failed, the deadline passed or the server stops. The certificate callback of the
// SSL_CTX runs in here.
bool tls_accept(SSL* ssl, int sock, Clock::time_point deadline, int stop_fd);

class DeadlineStream final : public httplib::Stream {
 public:
  // `ssl`: the connection's TLS session after tls_accept, or null for plain HTTP.
  DeadlineStream(socket_t sock, SSL* ssl, std::chrono::seconds write_timeout, int stop_fd);

  // Every read from now on (of one request) ends at `read_deadline`.
  void start_request(Clock::time_point read_deadline) { read_deadline_ = read_deadline; }
  // Bytes already received and not yet read (a pipelined request, the rest of a TLS record): the
  // socket's readiness does not show them.
  bool has_buffered() const;
  // The TLS session is broken (an OpenSSL error, or the peer closed without close_notify): no
  // close_notify may be sent on it.
  bool tls_failed() const { return tls_failed_; }

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return sock_; }

 private:
  ssize_t receive();  // fills buffer_ once; >0 bytes, 0 the peer closed, -1 failed or too late

  socket_t sock_;
  SSL* ssl_;
  Clock::time_point read_deadline_{};
  std::chrono::seconds write_timeout_;
  int stop_fd_;
  bool tls_failed_ = false;
  std::vector<char> buffer_ = std::vector<char>(16 * 1024);  // one TLS record, or many small reads of httplib
  std::size_t next_ = 0, end_ = 0;
};

}  // namespace finseg::http
