// Minimal JSON text output for result documents: deterministic bytes, no DOM.
#pragma once

#include "core/money.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace finseg {

// Appends `s` as a JSON string literal: '"' and '\\' backslash-escaped, control characters
// (< 0x20) as \u00XX, every other byte (UTF-8 included) passed through unchanged.
void append_json_string(std::string& out, std::string_view s);

// Appends `"key":` (key must not need escaping).
inline void append_json_key(std::string& out, std::string_view key) {
  out += '"';
  out += key;
  out += "\":";
}

void append_json_uint(std::string& out, std::uint64_t value);

// Money as a JSON number with two fraction digits: 1250 -> 12.50, never -0.00. The same bytes as
// append_money (money.hpp), two digits per step: documents print a lot of money.
void append_json_money(std::string& out, Cents value);

// The same bytes written through a pointer into room the caller reserved (JsonRoom): a document
// entry is written in one piece instead of an std::string::append per field, whose bookkeeping
// was most of the cost of the JSON text (callgrind). Each returns the end of what it wrote and
// writes at most the bound next to it.
constexpr std::size_t kMaxJsonUint = 20;   // 18446744073709551615
constexpr std::size_t kMaxJsonMoney = 21;  // -92233720368547758.08
constexpr std::size_t max_json_string(std::string_view s) noexcept { return 2 + 6 * s.size(); }
char* write_json_string(char* p, std::string_view s) noexcept;
char* write_json_uint(char* p, std::uint64_t value) noexcept;
char* write_json_money(char* p, Cents value) noexcept;
inline char* write_raw(char* p, std::string_view s) noexcept {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Room for at most `bound` bytes at the end of `out`, written through a pointer and then cut to
// what was written: one resize each way instead of one append per piece.
class JsonRoom {
 public:
  JsonRoom(std::string& out, std::size_t bound) : out_(out), start_(out.size()) { out.resize(start_ + bound); }
  char* begin() noexcept { return out_.data() + start_; }
  void commit(const char* end) { out_.resize(static_cast<std::size_t>(end - out_.data())); }

 private:
  std::string& out_;
  std::size_t start_;
};

}  // namespace finseg
