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

// Escapes need up to six bytes per byte (\u00XX); the room is cut to what was written.
void append_json_string(std::string& out, std::string_view s) {
  JsonRoom room(out, max_json_string(s));
  room.commit(write_json_string(room.begin(), s));
}

char* write_json_string(char* p, std::string_view s) noexcept {
  static constexpr char kHex[] = "0123456789abcdef";
  *p++ = '"';
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    // Most names and ids need no escape: eight bytes are copied at once.
    if (i + 8 <= n) {
      std::uint64_t x;
      std::memcpy(&x, s.data() + i, 8);
      if (!any_to_escape(x)) {
        std::memcpy(p, &x, 8);
        p += 8;
        i += 8;
        continue;
      }
    }
    for (const std::size_t stop = std::min(n, i + 8); i < stop; ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') {
        *p++ = static_cast<char>(c);
      } else if (c == '"' || c == '\\') {
        *p++ = '\\';
        *p++ = static_cast<char>(c);
      } else {
        p = write_raw(p, "\\u00");
        *p++ = kHex[c >> 4];
        *p++ = kHex[c & 0xf];
      }
    }
  }
  *p++ = '"';
  return p;
}

namespace {

// The number of decimal digits of `v` (1 for 0).
int decimal_digits(std::uint64_t v) noexcept {
  int n = 1;
  for (;;) {
    if (v < 10) return n;
    if (v < 100) return n + 1;
    if (v < 1000) return n + 2;
    if (v < 10000) return n + 3;
    v /= 10000;
    n += 4;
  }
}

// `v` written so that it ends just before `end`, two digits per step.
void write_digits_before(char* end, std::uint64_t v) noexcept {
  while (v >= 100) {
    end -= 2;
    std::memcpy(end, kDigitPairs + 2 * (v % 100), 2);
    v /= 100;
  }
  if (v >= 10) {
    end -= 2;
    std::memcpy(end, kDigitPairs + 2 * v, 2);
  } else {
    *--end = static_cast<char>('0' + v);
  }
}

}  // namespace

char* write_json_uint(char* p, std::uint64_t value) noexcept {
  p += decimal_digits(value);
  write_digits_before(p, value);
  return p;
}

void append_json_uint(std::string& out, std::uint64_t value) {
  JsonRoom room(out, kMaxJsonUint);
  room.commit(write_json_uint(room.begin(), value));
}

char* write_json_money(char* p, Cents value) noexcept {
  // Unsigned magnitude, so that INT64_MIN formats too; a negative value is never -0.00.
  const std::uint64_t mag = value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  if (value < 0) *p++ = '-';
  p = write_json_uint(p, mag / 100);
  *p = '.';
  std::memcpy(p + 1, kDigitPairs + 2 * (mag % 100), 2);
  return p + 3;
}

void append_json_money(std::string& out, Cents value) {
  JsonRoom room(out, kMaxJsonMoney);
  room.commit(write_json_money(room.begin(), value));
}

}  // namespace finseg
