#include "http/callbacks.hpp"

#include "core/errors.hpp"
#include "http/log.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace finseg::http {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::optional<int> parse_port(const std::string& s) {
  if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  const int p = std::stoi(s);
  if (p < 1 || p > 65535) return std::nullopt;
  return p;
}

// "host", "host:port", "[v6]", "[v6]:port" -> host and optional port.
std::optional<std::pair<std::string, std::optional<int>>> split_host_port(const std::string& a) {
  std::string host, port;
  if (!a.empty() && a[0] == '[') {
    const auto close = a.find(']');
    if (close == std::string::npos) return std::nullopt;
    host = a.substr(1, close - 1);
    if (close + 1 < a.size()) {
      if (a[close + 1] != ':') return std::nullopt;
      port = a.substr(close + 2);
      if (port.empty()) return std::nullopt;
    }
  } else {
    const auto colon = a.find(':');
    host = a.substr(0, colon);
    if (colon != std::string::npos) {
      port = a.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    }
  }
  if (host.empty()) return std::nullopt;
  std::optional<int> p;
  if (!port.empty() && !(p = parse_port(port))) return std::nullopt;
  return std::make_pair(lower(host), p);
}

}  // namespace

std::optional<CallbackTarget> parse_callback_url(const std::string& url) {
  CallbackTarget t;
  std::size_t rest = 0;
  if (url.rfind("http://", 0) == 0) t.scheme = "http", rest = 7;
  else if (url.rfind("https://", 0) == 0) t.scheme = "https", rest = 8;
  else return std::nullopt;
  const auto end = url.find_first_of("/?#", rest);
  const std::string authority = url.substr(rest, end == std::string::npos ? std::string::npos : end - rest);
  if (authority.find('@') != std::string::npos) return std::nullopt;
  const auto hp = split_host_port(authority);
  if (!hp) return std::nullopt;
  t.host = hp->first;
  t.port = hp->second.value_or(t.scheme == "https" ? 443 : 80);
  t.path = end == std::string::npos ? "/" : url.substr(end);
  if (t.path[0] != '/') t.path = "/" + t.path;
  if (const auto hash = t.path.find('#'); hash != std::string::npos) t.path.erase(hash);
  return t;
}

AllowEntry parse_allow_entry(const std::string& text) {
  const auto hp = split_host_port(text);
  if (!hp) throw UsageError("--callback-allow '" + text + "': expected HOST or HOST:PORT");
  return {hp->first, hp->second};
}

CallbackSender::CallbackSender(std::vector<AllowEntry> allow, CallbackOptions options)
    : allow_(std::move(allow)), options_(options) {}

CallbackSender::~CallbackSender() { stop(); }

void CallbackSender::start(int workers) {
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
}

void CallbackSender::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_)
    if (w.joinable()) w.join();
  workers_.clear();
}

bool CallbackSender::allowed(const CallbackTarget& t) const {
  return std::any_of(allow_.begin(), allow_.end(),
                     [&](const AllowEntry& e) { return e.host == t.host && (!e.port || *e.port == t.port); });
}

void CallbackSender::send(const std::string& url, const std::string& job_id, const std::string& segment, const std::string& status,
                          std::function<void()> settled) {
  const nlohmann::json body = {{"jobId", job_id}, {"segment", segment}, {"status", status}};
  {
    const std::lock_guard lock(mutex_);
    items_.push_back({url, job_id, body.dump(), std::move(settled)});
  }
  wake_.notify_all();  // a worker waiting out a backoff shares this condition variable
}

bool CallbackSender::deliver(const CallbackTarget& t, const Item& item) {
  httplib::Client client(t.scheme + "://" + (t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host) + ":" +
                         std::to_string(t.port));
  client.set_connection_timeout(options_.timeout_seconds, 0);
  client.set_read_timeout(options_.timeout_seconds, 0);
  client.set_write_timeout(options_.timeout_seconds, 0);
  client.set_follow_location(false);
  if (t.scheme == "https") {
    client.enable_server_certificate_verification(true);  // httplib's default; said here because it matters
    if (!options_.ca_file.empty()) client.set_ca_cert_path(options_.ca_file);
    if (SSL_CTX* ctx = client.ssl_context()) SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  }
  const auto res = client.Post(t.path, item.body, "application/json");
  if (!res) {
    std::string why = httplib::to_string(res.error());
    if (res.error() == httplib::Error::SSLServerVerification && client.get_openssl_verify_result() != X509_V_OK)
      why += std::string(" (") + X509_verify_cert_error_string(client.get_openssl_verify_result()) + ")";
    log_line("callback for job " + item.job_id + " to " + t.host + ":" + std::to_string(t.port) + ": " + why);
    return false;
  }
  if (res->status < 200 || res->status > 299) {
    log_line("callback for job " + item.job_id + ": the receiver answered " + std::to_string(res->status));
    return false;
  }
  return true;
}

void CallbackSender::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !items_.empty(); });
    if (stopping_) return;
    Item item = std::move(items_.front());
    items_.pop_front();
    lock.unlock();
    const auto target = parse_callback_url(item.url);
    bool settled = true;
    if (!target) {
      log_line("callback for job " + item.job_id + " skipped: not a usable http(s) URL");
    } else if (!allowed(*target)) {
      log_line("callback for job " + item.job_id + " skipped: host " + target->host + ":" + std::to_string(target->port) +
               " is not on the --callback-allow list");
    } else {
      int backoff = options_.backoff_seconds;
      for (int attempt = 1;; ++attempt) {
        if (deliver(*target, item)) {
          log_line("callback for job " + item.job_id + " delivered (attempt " + std::to_string(attempt) + ")");
          break;
        }
        if (attempt >= options_.attempts) {
          log_line("callback for job " + item.job_id + " given up after " + std::to_string(attempt) + " attempts");
          break;
        }
        std::unique_lock wait_lock(mutex_);
        if (wake_.wait_for(wait_lock, std::chrono::seconds(backoff), [&] { return stopping_; })) {
          settled = false;  // abandoned: a restart sends it again
          break;
        }
        backoff *= 2;
      }
    }
    if (settled && item.settled) item.settled();
    lock.lock();
  }
}

}  // namespace finseg::http
