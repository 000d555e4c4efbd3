// The raw query of a request, beyond what httplib's params keep.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <string>

namespace finseg::http {

// How often `key` is in the raw query: httplib's params keep a repeated key=value pair once.
inline std::size_t times_given(const httplib::Request& req, const std::string& key) {
  const auto q = req.target.find('?');
  if (q == std::string::npos) return 0;
  std::size_t n = 0;
  httplib::detail::split(req.target.data() + q + 1, req.target.data() + req.target.size(), '&', [&](const char* b, const char* e) {
    const std::string pair(b, e);
    if (httplib::detail::decode_url(pair.substr(0, pair.find('=')), true) == key) ++n;
  });
  return n;
}

}  // namespace finseg::http
