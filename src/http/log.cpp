#include "http/log.hpp"

#include "core/text_limits.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace finseg::http {

void log_line(const std::string& message) {
  static std::mutex mutex;
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  const std::lock_guard lock(mutex);
  // Messages quote request paths and bodies: escaped, a client cannot write a line of its own.
  const std::string line = escape_for_log(message);
  std::fprintf(stderr, "%s.%03dZ finseg serve: %s\n", stamp, static_cast<int>(ms), line.c_str());
  std::fflush(stderr);
}

}  // namespace finseg::http
