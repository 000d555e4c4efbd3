#include "http/tls.hpp"

#include "core/errors.hpp"
#include "http/log.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

namespace finseg::http {

struct TlsCredentials::Loaded {
  SSL_CTX* holder = nullptr;  // owns the three below
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
  STACK_OF(X509)* chain = nullptr;  // the intermediates after the leaf; may be null
  std::string description;

  Loaded() = default;
  Loaded(const Loaded&) = delete;
  Loaded& operator=(const Loaded&) = delete;
  ~Loaded() { SSL_CTX_free(holder); }
};

namespace {

// OpenSSL's reason for the last failure of this thread, and a clean error queue after it.
std::string openssl_reason() {
  const unsigned long e = ERR_peek_last_error();
  char text[256] = "unknown OpenSSL error";
  if (e != 0) ERR_error_string_n(e, text, sizeof text);
  ERR_clear_error();
  return text;
}

// An encrypted key would make OpenSSL ask for its passphrase on the terminal: refuse instead.
int no_passphrase(char*, int, int, void*) { return 0; }

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::string describe_certificate(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio) return "a certificate";
  X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  const std::string subject = bio_text(bio);
  BIO_reset(bio);
  ASN1_TIME_print(bio, X509_get0_notAfter(cert));
  const std::string until = bio_text(bio);
  BIO_free(bio);
  std::string d = "subject " + subject + ", valid until " + until;
  if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) d += " (EXPIRED: clients will refuse it)";
  else if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0) d += " (NOT YET VALID: clients will refuse it)";
  return d;
}

void require_readable(const std::filesystem::path& file, const std::string& option) {
  if (!std::ifstream(file)) throw UsageError(option + " " + file.string() + ": cannot read the file");
}

// Read apart from the certificate, so that a bad key file and a key of another certificate get
// different messages.
EVP_PKEY* read_private_key(const std::filesystem::path& key_file) {
  FILE* f = std::fopen(key_file.c_str(), "r");
  if (!f) throw UsageError("--tls-key " + key_file.string() + ": cannot read the file");
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, no_passphrase, nullptr);
  std::fclose(f);
  if (!key) throw UsageError("--tls-key " + key_file.string() + ": not an unencrypted PEM private key: " + openssl_reason());
  return key;
}

std::shared_ptr<const TlsCredentials::Loaded> load(const std::filesystem::path& cert_file, const std::filesystem::path& key_file) {
  require_readable(cert_file, "--tls-cert");
  require_readable(key_file, "--tls-key");
  struct stat st{};
  if (::stat(key_file.c_str(), &st) == 0 && (st.st_mode & 0077) != 0)
    log_line("warning: TLS key " + key_file.string() + " is readable by group or others (chmod 600 it)");
  auto l = std::make_shared<TlsCredentials::Loaded>();
  l->holder = SSL_CTX_new(TLS_server_method());
  if (!l->holder) throw UsageError("TLS: cannot create an OpenSSL context: " + openssl_reason());
  if (SSL_CTX_use_certificate_chain_file(l->holder, cert_file.c_str()) != 1)
    throw UsageError("--tls-cert " + cert_file.string() + ": not a usable PEM certificate chain: " + openssl_reason());
  EVP_PKEY* key = read_private_key(key_file);
  const bool matches = SSL_CTX_use_PrivateKey(l->holder, key) == 1 && SSL_CTX_check_private_key(l->holder) == 1;
  EVP_PKEY_free(key);  // the context holds its own reference
  if (!matches)
    throw UsageError("--tls-key " + key_file.string() + " is not the key of the certificate in " + cert_file.string() + ": " +
                     openssl_reason());
  l->cert = SSL_CTX_get0_certificate(l->holder);
  l->key = SSL_CTX_get0_privatekey(l->holder);
  SSL_CTX_get0_chain_certs(l->holder, &l->chain);
  l->description = describe_certificate(l->cert);
  return l;
}

}  // namespace

TlsCredentials::TlsCredentials(std::filesystem::path cert_file, std::filesystem::path key_file)
    : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)), current_(load(cert_file_, key_file_)) {}

TlsCredentials::~TlsCredentials() = default;

std::shared_ptr<const TlsCredentials::Loaded> TlsCredentials::current() const {
  const std::lock_guard lock(mutex_);
  return current_;
}

int TlsCredentials::on_handshake(ssl_st* ssl, void* self) {
  const auto creds = static_cast<const TlsCredentials*>(self)->current();
  return SSL_use_cert_and_key(ssl, creds->cert, creds->key, creds->chain, 1) == 1 ? 1 : 0;
}

bool TlsCredentials::configure(ssl_ctx_st& ctx) {
  // TLS 1.2 is the floor of current bank and BSI guidance; its cipher suites are limited to
  // ephemeral ECDH with AEAD (forward secrecy). TLS 1.3's suites are all of that kind already.
  if (SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION) != 1) return false;
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(&ctx, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1) return false;
  SSL_CTX_set_cert_cb(&ctx, &TlsCredentials::on_handshake, this);
  return true;
}

std::string TlsCredentials::reload() {
  auto fresh = load(cert_file_, key_file_);
  const std::string line = "TLS certificate reloaded: " + fresh->description;
  const std::lock_guard lock(mutex_);
  current_ = std::move(fresh);
  return line;
}

std::string TlsCredentials::describe() const { return current()->description; }

}  // namespace finseg::http
