#include "core/date.hpp"

namespace finseg {

namespace {

bool digits(std::string_view s, std::size_t from, std::size_t n, int& out) noexcept {
  int v = 0;
  for (std::size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

struct Fields {
  bool shape_ok = false;
  int y = 0, m = 0, d = 0;
};

Fields split(std::string_view s) noexcept {
  Fields f;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return f;
  f.shape_ok = digits(s, 0, 4, f.y) && digits(s, 5, 2, f.m) && digits(s, 8, 2, f.d);
  return f;
}

}  // namespace

std::optional<Day> parse_date(std::string_view s) noexcept {
  const Fields f = split(s);
  if (!f.shape_ok || f.y < 1 || f.m < 1 || f.m > 12 || f.d < 1) return std::nullopt;
  if (static_cast<unsigned>(f.d) > days_in_month(f.y, static_cast<unsigned>(f.m))) return std::nullopt;
  return days_from_civil(f.y, static_cast<unsigned>(f.m), static_cast<unsigned>(f.d));
}

const char* describe_date_error(std::string_view s) noexcept {
  return split(s).shape_ok ? "no such calendar day" : "not a date of the form YYYY-MM-DD";
}

void append_date(std::string& out, Day d) {
  const CivilDate c = civil_from_days(d);
  char buf[16];
  const int y = c.year;
  buf[0] = static_cast<char>('0' + (y / 1000) % 10);
  buf[1] = static_cast<char>('0' + (y / 100) % 10);
  buf[2] = static_cast<char>('0' + (y / 10) % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + c.month / 10);
  buf[6] = static_cast<char>('0' + c.month % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + c.day / 10);
  buf[9] = static_cast<char>('0' + c.day % 10);
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
