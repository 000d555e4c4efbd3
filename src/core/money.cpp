#include "core/money.hpp"

#include <cstdint>

#include "core/errors.hpp"

#include <limits>

namespace finseg {

const char* describe(MoneyParseError e) noexcept {
  switch (e) {
    case MoneyParseError::empty: return "empty decimal";
    case MoneyParseError::syntax: return "not a decimal of the form [+-]digits[.d or .dd]";
    case MoneyParseError::too_many_fraction_digits: return "more than 2 fraction digits";
    case MoneyParseError::overflow: return "amount out of range";
  }
  return "invalid decimal";
}

namespace {

// The usual amount, "[+-]digits[.d|.dd]" with at most 16 digits before the point, parsed without
// a bound check per digit (16 digits and two decimals stay below 10^18 < INT64_MAX): true and the
// cents, or false for anything else, which the general parser below decides (and words the error
// of). It was ~125 instructions per transaction row of an import.
bool parse_plain_money(std::string_view s, Cents& out) noexcept {
  std::size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) ++i;
  const std::size_t int_begin = i;
  std::uint64_t v = 0;
  for (; i < s.size(); ++i) {
    const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(s[i])) - '0';
    if (d > 9) break;
    v = v * 10 + d;
  }
  if (i == int_begin || i - int_begin > 16) return false;
  std::size_t frac = 0;
  if (i < s.size()) {
    if (s[i] != '.' || s.size() - i - 1 < 1 || s.size() - i - 1 > 2) return false;
    for (++i; i < s.size(); ++i, ++frac) {
      const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(s[i])) - '0';
      if (d > 9) return false;
      v = v * 10 + d;
    }
  }
  for (; frac < 2; ++frac) v *= 10;
  out = negative ? -static_cast<Cents>(v) : static_cast<Cents>(v);
  return true;
}

}  // namespace

MoneyParse parse_money(std::string_view s) noexcept {
  MoneyParse r;
  if (parse_plain_money(s, r.value)) return r;
  if (s.empty()) {
    r.error = MoneyParseError::empty;
    return r;
  }
  std::size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    ++i;
  }
  const std::size_t int_begin = i;
  // Accumulate as a negative number so that INT64_MIN cents stays representable.
  constexpr Cents kMin = std::numeric_limits<Cents>::min();
  Cents acc = 0;
  auto push_digit = [&](char c) -> bool {
    const int d = c - '0';
    if (acc < kMin / 10) return false;
    acc *= 10;
    if (acc < kMin + d) return false;
    acc -= d;
    return true;
  };
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (!push_digit(s[i])) {
      r.error = MoneyParseError::overflow;
      return r;
    }
    ++i;
  }
  if (i == int_begin) {
    r.error = MoneyParseError::syntax;
    return r;
  }
  int frac_digits = 0;
  if (i < s.size()) {
    if (s[i] != '.') {
      r.error = MoneyParseError::syntax;
      return r;
    }
    ++i;
    const std::size_t frac_begin = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i != s.size() || i == frac_begin) {
      r.error = MoneyParseError::syntax;
      return r;
    }
    frac_digits = static_cast<int>(i - frac_begin);
    if (frac_digits > 2) {
      r.error = MoneyParseError::too_many_fraction_digits;
      return r;
    }
    for (std::size_t k = frac_begin; k < s.size(); ++k) {
      if (!push_digit(s[k])) {
        r.error = MoneyParseError::overflow;
        return r;
      }
    }
  }
  for (int k = frac_digits; k < 2; ++k) {
    if (!push_digit('0')) {
      r.error = MoneyParseError::overflow;
      return r;
    }
  }
  if (!negative) {
    if (acc == kMin) {
      r.error = MoneyParseError::overflow;
      return r;
    }
    acc = -acc;
  }
  r.value = acc;
  return r;
}

void append_money(std::string& out, Cents value) {
  // Work in unsigned magnitude so that INT64_MIN formats correctly.
  const bool negative = value < 0;
  unsigned long long mag = negative ? 0ULL - static_cast<unsigned long long>(value)
                                    : static_cast<unsigned long long>(value);
  char buf[32];
  int pos = 32;
  const unsigned long long frac = mag % 100;
  mag /= 100;
  buf[--pos] = static_cast<char>('0' + frac % 10);
  buf[--pos] = static_cast<char>('0' + frac / 10);
  buf[--pos] = '.';
  do {
    buf[--pos] = static_cast<char>('0' + mag % 10);
    mag /= 10;
  } while (mag != 0);
  if (negative) buf[--pos] = '-';
  out.append(buf + pos, static_cast<std::size_t>(32 - pos));
}

std::string format_money(Cents value) {
  std::string s;
  append_money(s, value);
  return s;
}

Cents checked_add(Cents a, Cents b, const char* what) {
  Cents r;
  if (__builtin_add_overflow(a, b, &r)) throw OverflowError(std::string(what) + " overflows int64 cents");
  return r;
}

Cents round_div_half_away(Int128 num, Int128 den) {
  if (den <= 0) throw std::logic_error("round_div_half_away: denominator must be positive");
  const bool negative = num < 0;
  const Int128 mag = negative ? -num : num;
  Int128 q = mag / den;
  const Int128 rem = mag % den;
  if (2 * rem >= den) ++q;
  const Int128 r = negative ? -q : q;
  if (r > std::numeric_limits<Cents>::max() || r < std::numeric_limits<Cents>::min())
    throw OverflowError("rounded value overflows int64 cents");
  return static_cast<Cents>(r);
}

}  // namespace finseg
