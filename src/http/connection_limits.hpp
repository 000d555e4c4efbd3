// The service's bounds on connections (`finseg serve --max-connections ... --request-timeout`),
// apart from connection_guard.hpp so that the options need no httplib header.
#pragma once

#include <chrono>
#include <cstddef>

namespace finseg::http {

struct ConnectionLimits {
  std::size_t max_connections = 512;         // open connections in all (each has a thread)
  std::size_t max_per_client = 128;          // open connections from one client address
  std::chrono::seconds request_timeout{10};  // to send one whole request, from its first byte awaited
};

}  // namespace finseg::http
