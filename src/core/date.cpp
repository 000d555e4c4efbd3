#include "core/date.hpp"

#include <array>

namespace finseg {

namespace {

struct Fields {
  bool shape_ok = false;
  int y = 0, m = 0, d = 0;
};

// The eight digits taken at once and checked together (one branch, not one per byte): the booking
// date of every transaction row goes through here.
Fields split(std::string_view s) noexcept {
  Fields f;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return f;
  const auto digit = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(s[i])) - '0'; };
  const unsigned y0 = digit(0), y1 = digit(1), y2 = digit(2), y3 = digit(3), m0 = digit(5), m1 = digit(6),
                 d0 = digit(8), d1 = digit(9);
  // `|` of the comparisons, not `||`: one branch; a byte below '0' wraps to a large value.
  if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) | (d1 > 9)) return f;
  f.shape_ok = true;
  f.y = static_cast<int>(y0 * 1000 + y1 * 100 + y2 * 10 + y3);
  f.m = static_cast<int>(m0 * 10 + m1);
  f.d = static_cast<int>(d0 * 10 + d1);
  return f;
}

// The first day of every month from 1900 to 2199 (and the month after), computed at compile time:
// a booking date in that range costs a lookup instead of the calendar arithmetic (leap years,
// eras), which was most of parse_date's ~110 instructions per transaction row.
constexpr int kTableFirstYear = 1900, kTableYears = 300;
constexpr auto kMonthStarts = [] {
  std::array<Day, kTableYears * 12 + 1> t{};
  for (int i = 0; i <= kTableYears * 12; ++i)
    t[static_cast<std::size_t>(i)] = days_from_civil(kTableFirstYear + i / 12, static_cast<unsigned>(i % 12 + 1), 1);
  return t;
}();

}  // namespace

std::optional<Day> parse_date(std::string_view s) noexcept {
  const Fields f = split(s);
  if (!f.shape_ok || f.y < 1 || f.m < 1 || f.m > 12 || f.d < 1) return std::nullopt;
  if (f.y >= kTableFirstYear && f.y < kTableFirstYear + kTableYears) {
    const auto i = static_cast<std::size_t>((f.y - kTableFirstYear) * 12 + f.m - 1);
    if (f.d > kMonthStarts[i + 1] - kMonthStarts[i]) return std::nullopt;
    return kMonthStarts[i] + f.d - 1;
  }
  if (static_cast<unsigned>(f.d) > days_in_month(f.y, static_cast<unsigned>(f.m))) return std::nullopt;
  return days_from_civil(f.y, static_cast<unsigned>(f.m), static_cast<unsigned>(f.d));
}

const char* describe_date_error(std::string_view s) noexcept {
  return split(s).shape_ok ? "no such calendar day" : "not a date of the form YYYY-MM-DD";
}

char* write_date(char* p, Day d) noexcept {
  const CivilDate c = civil_from_days(d);
  const int y = c.year;
  p[0] = static_cast<char>('0' + (y / 1000) % 10);
  p[1] = static_cast<char>('0' + (y / 100) % 10);
  p[2] = static_cast<char>('0' + (y / 10) % 10);
  p[3] = static_cast<char>('0' + y % 10);
  p[4] = '-';
  p[5] = static_cast<char>('0' + c.month / 10);
  p[6] = static_cast<char>('0' + c.month % 10);
  p[7] = '-';
  p[8] = static_cast<char>('0' + c.day / 10);
  p[9] = static_cast<char>('0' + c.day % 10);
  return p + 10;
}

void append_date(std::string& out, Day d) {
  char buf[10];
  write_date(buf, d);
  out.append(buf, 10);
}

std::string format_date(Day d) {
  std::string s;
  append_date(s, d);
  return s;
}

std::string format_month(MonthNumber m) {
  std::string s = format_date(first_day_of_month(m));
  s.resize(7);
  return s;
}

MonthWindow window_before(Day creation, int months) noexcept {
  const MonthNumber current = month_of(creation);
  MonthWindow w{};
  w.first_month = current - months;
  w.months = months;
  w.first_day = first_day_of_month(w.first_month);
  w.last_day = first_day_of_month(current) - 1;
  return w;
}

}  // namespace finseg
