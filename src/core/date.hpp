// Calendar dates as day numbers (days since 1970-01-01, proleptic Gregorian) and months as
// month numbers (year * 12 + month - 1), so windows and month buckets are integer arithmetic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace finseg {

using Day = std::int32_t;
using MonthNumber = std::int32_t;

struct CivilDate {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

constexpr Day days_from_civil(int y, unsigned m, unsigned d) noexcept {
  // Howard Hinnant's algorithm.
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

constexpr CivilDate civil_from_days(Day z) noexcept {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

constexpr bool is_leap_year(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(int y, unsigned m) noexcept {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

constexpr MonthNumber month_of(Day d) noexcept {
  const CivilDate c = civil_from_days(d);
  return c.year * 12 + static_cast<int>(c.month) - 1;
}

constexpr Day first_day_of_month(MonthNumber m) noexcept {
  const int y = m >= 0 ? m / 12 : (m - 11) / 12;
  return days_from_civil(y, static_cast<unsigned>(m - y * 12 + 1), 1);
}

constexpr Day last_day_of_month(MonthNumber m) noexcept { return first_day_of_month(m + 1) - 1; }

// Strict `YYYY-MM-DD` (four-digit year 0001..9999, real calendar day); nullopt otherwise.
std::optional<Day> parse_date(std::string_view text) noexcept;

// Why parse_date failed, for error messages: "not YYYY-MM-DD" or "no such calendar day".
const char* describe_date_error(std::string_view text) noexcept;

std::string format_date(Day d);
void append_date(std::string& out, Day d);
// The same ten bytes through a pointer (room reserved by the caller); returns p + 10.
char* write_date(char* p, Day d) noexcept;
// "YYYY-MM"
std::string format_month(MonthNumber m);

// The window of N complete months before the month containing `creation` (SEGMENTS.md 2).
struct MonthWindow {
  MonthNumber first_month;  // inclusive
  int months;               // N
  Day first_day;
  Day last_day;
  MonthNumber last_month() const noexcept { return first_month + months - 1; }
  bool contains(Day d) const noexcept { return d >= first_day && d <= last_day; }
};

MonthWindow window_before(Day creation, int months) noexcept;

}  // namespace finseg
