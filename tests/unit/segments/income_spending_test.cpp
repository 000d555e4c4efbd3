// income_spending_account: counts and sums of one account's window, and the overflow of a sum.
#include "core/segments/income_spending.hpp"

#include "segment_test_support.hpp"

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

}  // namespace
}  // namespace finseg::test
