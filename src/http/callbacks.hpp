// Calls a job's callbackURL once the job is done or failed: POST {"jobId","segment","status"}
// as application/json, with a connection and read timeout and a bounded number of attempts.
// Only hosts on the allow-list (`--callback-allow HOST[:PORT]`, none by default) are called;
// any other URL is skipped with a log line. Redirects are not followed (they could leave the list).
// An https receiver must show a certificate valid for its host name, issued by a CA of the system
// store (or of `--callback-ca FILE`), over TLS 1.2 or newer; otherwise the attempt fails.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace finseg::http {

struct CallbackTarget {
  std::string scheme, host, path;  // host lower-case, without IPv6 brackets
  int port = 0;
};
// Parses an absolute http(s) URL; nothing when it has user info or no host or a bad port.
std::optional<CallbackTarget> parse_callback_url(const std::string& url);

struct AllowEntry {
  std::string host;
  std::optional<int> port;  // none: any port
};
AllowEntry parse_allow_entry(const std::string& text);  // HOST or HOST:PORT or [V6]:PORT; throws UsageError

struct CallbackOptions {
  int attempts = 3;
  int timeout_seconds = 5;   // connect and read, per attempt
  int backoff_seconds = 1;   // doubles after each failed attempt
  std::string ca_file;       // https: the CAs to trust (PEM); empty: the system's store
};

class CallbackSender {
 public:
  CallbackSender(std::vector<AllowEntry> allow, CallbackOptions options);
  ~CallbackSender();
  CallbackSender(const CallbackSender&) = delete;
  CallbackSender& operator=(const CallbackSender&) = delete;

  void start(int workers = 2);
  void stop();  // abandons what is still waiting (it is sent again after a restart)

  // `settled` runs (on a worker) after delivery, after the last failed attempt, or at once when
  // the URL is not allowed; it is not run for a callback abandoned by stop().
  void send(const std::string& url, const std::string& job_id, const std::string& segment, const std::string& status,
            std::function<void()> settled);
  bool allowed(const CallbackTarget& t) const;

 private:
  struct Item {
    std::string url, job_id, body;
    std::function<void()> settled;
  };
  void work();
  bool deliver(const CallbackTarget& t, const Item& item);

  std::vector<AllowEntry> allow_;
  CallbackOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> items_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace finseg::http
