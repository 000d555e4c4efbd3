#include "core/errors.hpp"
#include "core/money.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace finseg;

namespace {
Cents ok(std::string_view s) {
  const auto r = parse_money(s);
  EXPECT_TRUE(r.ok()) << "'" << s << "' should parse";
  return r.value;
}
MoneyParseError bad(std::string_view s) {
  const auto r = parse_money(s);
  EXPECT_FALSE(r.ok()) << "'" << s << "' should be rejected";
  return r.error.value_or(MoneyParseError::empty);
}
}  // namespace

TEST(Money, ParsesTheContractExamples) {
  EXPECT_EQ(ok("12"), 1200);
  EXPECT_EQ(ok("12.5"), 1250);
  EXPECT_EQ(ok("-0.00"), 0);
  EXPECT_EQ(ok("+3.10"), 310);
  EXPECT_EQ(ok("-812.34"), -81234);
  EXPECT_EQ(ok("0.01"), 1);
  EXPECT_EQ(ok("007.07"), 707);
}

TEST(Money, RejectsWhatTheContractRejects) {
  EXPECT_EQ(bad(""), MoneyParseError::empty);
  EXPECT_EQ(bad(".5"), MoneyParseError::syntax);
  EXPECT_EQ(bad("5."), MoneyParseError::syntax);
  EXPECT_EQ(bad("1e2"), MoneyParseError::syntax);
  EXPECT_EQ(bad("NaN"), MoneyParseError::syntax);
  EXPECT_EQ(bad(" 1"), MoneyParseError::syntax);
  EXPECT_EQ(bad("1 "), MoneyParseError::syntax);
  EXPECT_EQ(bad("-"), MoneyParseError::syntax);
  EXPECT_EQ(bad("+-1"), MoneyParseError::syntax);
  EXPECT_EQ(bad("1,50"), MoneyParseError::syntax);
  EXPECT_EQ(bad("1.234"), MoneyParseError::too_many_fraction_digits);
  EXPECT_EQ(bad("0.000"), MoneyParseError::too_many_fraction_digits);
}

TEST(Money, RangeEndsExactlyAtInt64Cents) {
  EXPECT_EQ(ok("92233720368547758.07"), std::numeric_limits<Cents>::max());
  EXPECT_EQ(ok("-92233720368547758.08"), std::numeric_limits<Cents>::min());
  EXPECT_EQ(bad("92233720368547758.08"), MoneyParseError::overflow);
  EXPECT_EQ(bad("-92233720368547758.09"), MoneyParseError::overflow);
  EXPECT_EQ(bad("99999999999999999999999"), MoneyParseError::overflow);
}

TEST(Money, FormatsTwoDigitsNeverNegativeZero) {
  EXPECT_EQ(format_money(0), "0.00");
  EXPECT_EQ(format_money(1250), "12.50");
  EXPECT_EQ(format_money(-1), "-0.01");
  EXPECT_EQ(format_money(-81234), "-812.34");
  EXPECT_EQ(format_money(100), "1.00");
  EXPECT_EQ(format_money(std::numeric_limits<Cents>::max()), "92233720368547758.07");
  EXPECT_EQ(format_money(std::numeric_limits<Cents>::min()), "-92233720368547758.08");
}

TEST(Money, FormatParseRoundTrip) {
  for (Cents v : {Cents{0}, Cents{1}, Cents{-1}, Cents{99}, Cents{-100}, Cents{123456789}, Cents{-987654321012}})
    EXPECT_EQ(ok(format_money(v)), v);
}

TEST(Money, CheckedAddThrowsInsteadOfWrapping) {
  EXPECT_EQ(checked_add(1, 2), 3);
  EXPECT_THROW(checked_add(std::numeric_limits<Cents>::max(), 1), OverflowError);
  EXPECT_THROW(checked_add(std::numeric_limits<Cents>::min(), -1), OverflowError);
}

TEST(Money, RoundsHalfAwayFromZero) {
  EXPECT_EQ(round_div_half_away(601501, 2), 300751);  // 3007.505 -> 3007.51
  EXPECT_EQ(round_div_half_away(-7519, 2), -3760);     // -37.595 -> -37.60
  EXPECT_EQ(round_div_half_away(5, 2), 3);
  EXPECT_EQ(round_div_half_away(-5, 2), -3);
  EXPECT_EQ(round_div_half_away(4, 3), 1);
  EXPECT_EQ(round_div_half_away(-4, 3), -1);
  EXPECT_EQ(round_div_half_away(0, 7), 0);
  EXPECT_EQ(round_div_half_away(-1, 3), 0);  // never -0
}

// parse_money takes the usual amount through a fast path (no bound check per digit, up to 16
// digits before the point): it must agree with the grammar and the int64 range on every string,
// around the length where the fast path hands over to the general parser too.
TEST(Money, AgreesWithTheGrammarOnManyStrings) {
  __extension__ typedef __int128 i128;
  const auto reference = [](std::string_view s, Cents& out) {
    std::size_t i = 0;
    const bool negative = !s.empty() && s[0] == '-';
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) ++i;
    const std::size_t int_begin = i;
    i128 v = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) v = std::min<i128>(v * 10 + (s[i] - '0'), i128{1} << 100);
    if (i == int_begin) return false;
    int frac = 0;
    if (i < s.size()) {
      if (s[i] != '.') return false;
      for (++i; i < s.size(); ++i, ++frac) {
        if (s[i] < '0' || s[i] > '9' || frac == 2) return false;
        v = v * 10 + (s[i] - '0');
      }
      if (frac == 0) return false;
    }
    for (; frac < 2; ++frac) v *= 10;
    if (negative) v = -v;
    if (v > std::numeric_limits<Cents>::max() || v < std::numeric_limits<Cents>::min()) return false;
    out = static_cast<Cents>(v);
    return true;
  };
  std::uint64_t state = 42;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<unsigned>(state >> 33);
  };
  const std::string alphabet = "0123456789999999.-+x ";
  std::vector<std::string> cases = {"9999999999999999.99", "-9999999999999999.99", "99999999999999999.99",
                                    "92233720368547758.07", "92233720368547758.08", "-92233720368547758.08",
                                    "-92233720368547758.09", "0000000000000000000001.5", "1.", ".1", "-", "+", ""};
  for (int k = 0; k < 200000; ++k) {
    std::string s(next() % 24, '0');
    for (char& c : s) c = alphabet[next() % alphabet.size()];
    cases.push_back(s);
  }
  for (const std::string& s : cases) {
    Cents want = 0;
    const bool want_ok = reference(s, want);
    const MoneyParse got = parse_money(s);
    ASSERT_EQ(got.ok(), want_ok) << "'" << s << "'";
    if (want_ok) {
      ASSERT_EQ(got.value, want) << "'" << s << "'";
    }
  }
}
