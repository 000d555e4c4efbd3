// income_spending_account: counts and sums of one account's window, and the overflow of a sum.
#include "core/segments/income_spending.hpp"

#include "segment_test_support.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace finseg::test {
namespace {

constexpr Cents kMax = std::numeric_limits<Cents>::max();
constexpr Cents kMin = std::numeric_limits<Cents>::min();

TEST(IncomeSpendingAccount, CountsAndSumsTheWindowOnly) {
  const std::vector<Day> dates = {day("2026-01-31"), day("2026-02-01"), day("2026-02-10"), day("2026-02-10"),
                                  day("2026-02-28"), day("2026-03-01")};
  const std::vector<Cents> amounts = {999, 1500, -250, 0, -1, 777};
  const IncomeSpending r = income_spending_account(dates, amounts, day("2026-02-01"), day("2026-02-28"));
  EXPECT_EQ(r.in_window, 4u);
  EXPECT_EQ(r.incoming_transactions, 1u);
  EXPECT_EQ(r.outgoing_transactions, 2u);
  EXPECT_EQ(r.incoming_amount, 1500);
  EXPECT_EQ(r.outgoing_amount, -251);
}

TEST(IncomeSpendingAccount, SumsUpToTheInt64LimitsExactly) {
  const std::vector<Day> dates(4, day("2026-02-01"));
  const std::vector<Cents> amounts = {kMax - 1, 1, kMin + 1, -1};
  const IncomeSpending r = income_spending_account(dates, amounts, day("2026-02-01"), day("2026-02-01"));
  EXPECT_EQ(r.incoming_amount, kMax);
  EXPECT_EQ(r.outgoing_amount, kMin);
}

TEST(IncomeSpendingAccount, ASumBeyondInt64IsAnOverflowErrorNamingIt) {
  const std::vector<Day> dates(3, day("2026-02-01"));
  const auto message = [&](std::vector<Cents> amounts) {
    try {
      income_spending_account(dates, amounts, day("2026-02-01"), day("2026-02-01"));
    } catch (const OverflowError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // The later amount of the other sign does not hide the overflow.
  EXPECT_EQ(message({kMax, 1, -5}), "incomingAmount overflows int64 cents");
  EXPECT_EQ(message({kMin, -1, 5}), "outgoingAmount overflows int64 cents");
}

// The sums are taken vectorised, each amount split into 32-bit halves: every length from 0 to
// 80 (the vector loop and its tail), amounts whose halves carry (2^32 - 1, 2^32, near the
// limits), against a plain 128-bit sum, and the same OverflowError where that leaves int64.
TEST(IncomeSpendingAccount, MatchesA128BitSumForEveryLengthAndCarry) {
  const std::vector<Cents> pool = {0,           1,           -1,          0xffffffffLL, -0xffffffffLL, 0x100000000LL,
                                   -0x100000000LL, 0x1234567fffffffffLL / 64, -(0x1234567fffffffffLL / 64),
                                   kMax / 80,   kMin / 80,   kMax,        kMin,         kMax - 1,     kMin + 1};
  std::uint64_t seed = 42;
  for (std::size_t n = 0; n <= 80; ++n) {
    for (int round = 0; round < 8; ++round) {
      std::vector<Cents> amounts(n);
      for (auto& a : amounts) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        // Mostly amounts that cannot overflow, the limits now and then.
        const std::size_t k = static_cast<std::size_t>(seed >> 33) % (round < 4 ? pool.size() - 4 : pool.size());
        a = pool[k];
      }
      Int128 in = 0, out = 0;
      std::uint64_t in_n = 0, out_n = 0;
      for (const Cents a : amounts) {
        if (a > 0) in += a, ++in_n;
        if (a < 0) out += a, ++out_n;
      }
      const std::vector<Day> dates(n, day("2026-02-01"));
      const bool in_fits = in <= kMax, out_fits = out >= kMin;
      if (in_fits && out_fits) {
        const IncomeSpending r = income_spending_account(dates, amounts, day("2026-02-01"), day("2026-02-01"));
        EXPECT_EQ(r.in_window, n);
        EXPECT_EQ(r.incoming_transactions, in_n);
        EXPECT_EQ(r.outgoing_transactions, out_n);
        EXPECT_EQ(r.incoming_amount, static_cast<Cents>(in)) << "n=" << n << " round=" << round;
        EXPECT_EQ(r.outgoing_amount, static_cast<Cents>(out)) << "n=" << n << " round=" << round;
      } else {
        EXPECT_THROW(income_spending_account(dates, amounts, day("2026-02-01"), day("2026-02-01")), OverflowError)
            << "n=" << n << " round=" << round;
      }
    }
  }
}

}  // namespace
}  // namespace finseg::test
