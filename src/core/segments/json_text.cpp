#include "core/segments/json_text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace finseg {

namespace {
constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";
}  // namespace

namespace {
constexpr std::uint64_t kOnes = 0x0101010101010101ull;
// Whether any of the eight bytes of `x` needs an escape: below 0x20, '"' or '\\'. Each test is
// exact for "any byte" (a borrow only runs past a byte that is flagged already); bytes >= 0x80
// (UTF-8) are never flagged.
constexpr bool any_to_escape(std::uint64_t x) noexcept {
  const auto zero = [](std::uint64_t v) { return (v - kOnes) & ~v & (0x80 * kOnes); };
  const std::uint64_t control = (x - 0x20 * kOnes) & ~x & (0x80 * kOnes);
  return (control | zero(x ^ ('"' * kOnes)) | zero(x ^ ('\\' * kOnes))) != 0;
}
}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the pending run of bytes that need no escape
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    // Most names and ids need no escape: eight bytes are passed over at once.
    if (i + 8 <= n) {
      std::uint64_t x;
      std::memcpy(&x, s.data() + i, 8);
      if (!any_to_escape(x)) {
        i += 8;
        continue;
      }
    }
    for (const std::size_t stop = std::min(n, i + 8); i < stop; ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out.append(s.data() + run, i - run);
      run = i + 1;
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
      }
    }
  }
  out.append(s.data() + run, n - run);
  out += '"';
}

void append_json_uint(std::string& out, std::uint64_t value) {
  char buf[24];
  int pos = 24;
  do {
    buf[--pos] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  out.append(buf + pos, static_cast<std::size_t>(24 - pos));
}

void append_json_money(std::string& out, Cents value) {
  char buf[32];
  char* const end = buf + sizeof buf;
  char* p = end;
  // Unsigned magnitude, so that INT64_MIN formats too.
  std::uint64_t mag = value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  p -= 2;
  std::memcpy(p, kDigitPairs + 2 * (mag % 100), 2);
  *--p = '.';
  mag /= 100;
  while (mag >= 100) {
    p -= 2;
    std::memcpy(p, kDigitPairs + 2 * (mag % 100), 2);
    mag /= 100;
  }
  if (mag >= 10) {
    p -= 2;
    std::memcpy(p, kDigitPairs + 2 * mag, 2);
  } else {
    *--p = static_cast<char>('0' + mag);
  }
  if (value < 0) *--p = '-';
  out.append(p, static_cast<std::size_t>(end - p));
}

}  // namespace finseg
