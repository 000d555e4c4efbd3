// Text for one user's transactions, packed into one reusable buffer (no heap allocation per
// transaction), and the formatting helpers German bank statements need.
#pragma once

#include "core/date.hpp"
#include "core/money.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace finseg::gen {

struct TextRef {
  std::uint32_t off = 0;
  std::uint32_t len = 0;
};

class TextArena {
 public:
  TextArena() { buf_.reserve(1 << 20); }
  void clear() noexcept { buf_.clear(); }
  std::string_view view(TextRef r) const noexcept { return {buf_.data() + r.off, r.len}; }

  // One string: begin(), appends, end().
  TextArena& begin() noexcept {
    start_ = buf_.size();
    return *this;
  }
  TextRef end() const noexcept {
    return {static_cast<std::uint32_t>(start_), static_cast<std::uint32_t>(buf_.size() - start_)};
  }
  TextRef put(std::string_view s) { return begin().s(s).end(); }

  TextArena& s(std::string_view v) {
    buf_.append(v);
    return *this;
  }
  TextArena& c(char ch) {
    buf_.push_back(ch);
    return *this;
  }
  // Decimal, zero-padded to `width` digits.
  TextArena& u(std::uint64_t v, int width = 0) {
    char tmp[24];
    int n = 0;
    do {
      tmp[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n < width) tmp[n++] = '0';
    while (n > 0) buf_.push_back(tmp[--n]);
    return *this;
  }
  // "03/2026"
  TextArena& month(MonthNumber m) {
    return u(static_cast<std::uint64_t>(m % 12 + 1), 2).c('/').u(static_cast<std::uint64_t>(m / 12), 4);
  }
  // "14.03.2026"
  TextArena& date(Day d) {
    const CivilDate c = civil_from_days(d);
    return u(c.day, 2).c('.').u(c.month, 2).c('.').u(static_cast<std::uint64_t>(c.year), 4);
  }
  // "1.234,50" is too fancy for purposes; German decimal comma without grouping: "55,08".
  TextArena& money_de(Cents v) {
    if (v < 0) {
      c('-');
      v = -v;
    }
    return u(static_cast<std::uint64_t>(v / 100)).c(',').u(static_cast<std::uint64_t>(v % 100), 2);
  }
  // A German IBAN ("DE" + 2 check digits + 8-digit bank code + 10-digit account) with valid
  // check digits, derived from h: the same h gives the same IBAN.
  TextArena& iban(std::uint64_t h);
  TextRef iban_ref(std::uint64_t h) { return begin().iban(h).end(); }

 private:
  std::string buf_;
  std::size_t start_ = 0;
};

// German month names for purposes like "GEHALT MAERZ 2026".
std::string_view german_month_upper(MonthNumber m) noexcept;

// Weekday of a day number, 0 = Sunday (1970-01-01 was a Thursday).
constexpr int weekday(Day d) noexcept { return ((d % 7) + 11) % 7; }
// Bookings happen on bank working days: weekend days move to the next Monday, or, late in the
// month (day > 25), back to the Friday before, so a booking stays in its month.
constexpr Day business_day(Day d) noexcept {
  const int w = weekday(d);
  const bool late = civil_from_days(d).day > 25;
  if (w == 6) return late ? d - 1 : d + 2;
  if (w == 0) return late ? d - 2 : d + 1;
  return d;
}

}  // namespace finseg::gen
