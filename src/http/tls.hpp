// TLS of `finseg serve` (`--tls-cert FILE --tls-key FILE`): the certificate chain and private key
// (PEM), reloadable while the service runs (SIGHUP), e.g. after a renewal.
//
// The server (GuardedServer, connection_guard.hpp) keeps one SSL_CTX and makes each connection's
// SSL from it on the connection's own thread; changing the certificate on that SSL_CTX while
// another thread creates an SSL from it would race. So the server's SSL_CTX has no certificate at
// all: a certificate callback, run in each handshake, gives the connection the credentials that
// are current at that moment (SSL_use_cert_and_key takes its own references). A reload builds the
// new credentials apart and swaps one shared pointer under a mutex; handshakes in flight keep the
// credentials they started with.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

struct ssl_ctx_st;  // OpenSSL's SSL_CTX
struct ssl_st;      // OpenSSL's SSL

namespace finseg::http {

class TlsCredentials {
 public:
  // Loads and checks the files (the key must match the certificate). Throws UsageError naming the
  // file and OpenSSL's reason.
  TlsCredentials(std::filesystem::path cert_file, std::filesystem::path key_file);
  ~TlsCredentials();
  TlsCredentials(const TlsCredentials&) = delete;
  TlsCredentials& operator=(const TlsCredentials&) = delete;

  // Sets up the server's SSL_CTX: TLS 1.2 or newer, forward-secret AEAD ciphers only for TLS 1.2,
  // no compression, no renegotiation, and the certificate callback. For GuardedServer's TLS
  // setup callback; `this` must outlive the server.
  bool configure(ssl_ctx_st& ctx);

  // Loads the files again. On success the next handshakes use them and the answer is a line for
  // the log; on failure the current credentials stay and the UsageError says why.
  std::string reload();

  // "subject ..., valid until ..." of the current certificate, for the log.
  std::string describe() const;

  struct Loaded;  // the certificate chain and key, owned by a private SSL_CTX

 private:
  std::shared_ptr<const Loaded> current() const;
  static int on_handshake(ssl_st* ssl, void* self);  // the certificate callback

  std::filesystem::path cert_file_, key_file_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Loaded> current_;
};

}  // namespace finseg::http
