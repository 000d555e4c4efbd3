#include "core/date.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace finseg;

TEST(Date, EpochAndKnownDays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(*parse_date("1970-01-02"), 1);
  EXPECT_EQ(*parse_date("2024-02-29") + 1, *parse_date("2024-03-01"));
  EXPECT_EQ(*parse_date("2023-03-01") - *parse_date("2023-02-28"), 1);
  EXPECT_EQ(*parse_date("1969-12-31"), -1);
}

TEST(Date, ParseRejectsImpossibleAndMalformedDates) {
  for (const char* s : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-01-00", "0000-01-01",
                        "2024-1-01", "2024/01/01", "20240101", " 2024-01-01", "2024-01-01 ", "", "abcd-ef-gh",
                        "1900-02-29"})
    EXPECT_FALSE(parse_date(s).has_value()) << s;
  EXPECT_TRUE(parse_date("2000-02-29").has_value());
  EXPECT_TRUE(parse_date("9999-12-31").has_value());
  EXPECT_STREQ(describe_date_error("2023-02-29"), "no such calendar day");
  EXPECT_STREQ(describe_date_error("2023-2-1"), "not a date of the form YYYY-MM-DD");
}

TEST(Date, FormatRoundTripsEveryDayOfFourHundredYears) {
  const Day first = *parse_date("1900-01-01");
  const Day last = *parse_date("2300-12-31");
  for (Day d = first; d <= last; ++d) ASSERT_EQ(parse_date(format_date(d)), d) << format_date(d);
}

TEST(Date, MonthsAndWindows) {
  const Day d = *parse_date("2026-03-25");
  EXPECT_EQ(format_month(month_of(d)), "2026-03");
  const MonthWindow w = window_before(d, 3);  // SEGMENTS.md 2: 2025-12-01 .. 2026-02-28
  EXPECT_EQ(format_date(w.first_day), "2025-12-01");
  EXPECT_EQ(format_date(w.last_day), "2026-02-28");
  EXPECT_EQ(format_month(w.first_month), "2025-12");
  EXPECT_EQ(format_month(w.last_month()), "2026-02");
  EXPECT_TRUE(w.contains(*parse_date("2026-02-28")));
  EXPECT_FALSE(w.contains(*parse_date("2026-03-01")));
  EXPECT_FALSE(w.contains(*parse_date("2025-11-30")));
  const MonthWindow leap = window_before(*parse_date("2024-03-01"), 1);
  EXPECT_EQ(format_date(leap.last_day), "2024-02-29");
  EXPECT_EQ(format_date(last_day_of_month(month_of(*parse_date("2023-02-10")))), "2023-02-28");
  const MonthWindow jan = window_before(*parse_date("2024-01-15"), 13);
  EXPECT_EQ(format_date(jan.first_day), "2022-12-01");
}

// Every byte value in every digit position of a date: parse_date takes the eight digits together,
// and a byte just below '0' or above '9' must still be refused.
TEST(Date, EveryByteInEveryDigitPosition) {
  const std::string base = "2024-02-29";
  for (const std::size_t at : {0, 1, 2, 3, 5, 6, 8, 9}) {
    for (int b = 0; b < 256; ++b) {
      std::string s = base;
      s[at] = static_cast<char>(b);
      const bool digit = b >= '0' && b <= '9';
      const auto got = parse_date(s);
      if (!digit) {
        EXPECT_FALSE(got) << s;
        continue;
      }
      const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
      const bool valid = y >= 1 && m >= 1 && m <= 12 && d >= 1 && static_cast<unsigned>(d) <= days_in_month(y, static_cast<unsigned>(m));
      ASSERT_EQ(got.has_value(), valid) << s;
      if (valid) {
        EXPECT_EQ(*got, days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d))) << s;
      }
    }
  }
}
