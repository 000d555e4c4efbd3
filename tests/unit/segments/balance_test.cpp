// highBalance / lowBalance kernels (SEGMENTS.md 1.3, 2.1, 2.2) on hand-made accounts; every
// expected number is worked out in the comments.
#include "core/segments/balance.hpp"

#include "segment_test_support.hpp"

#include <limits>

namespace finseg::test {
namespace {

struct Txns {
  std::vector<Day> dates;
  std::vector<Cents> amounts;
  Txns(std::initializer_list<std::pair<const char*, const char*>> rows) {
    for (const auto& [d, a] : rows) {
      dates.push_back(day(d));
      amounts.push_back(cents(a));
    }
  }
};

// balance 100.00 at 2024-03-10; bookings around the leap day.
const AccountBalance kAccount{cents("100.00"), day("2024-03-10")};
const Txns kTxns{{"2024-02-28", "10.00"}, {"2024-02-29", "-5.00"}, {"2024-03-01", "20.00"}, {"2024-03-10", "1.00"}};

TEST(EndOfDayBalance, WalksBackFromTheBookedBalance) {
  auto eod = [&](const char* d) { return end_of_day_balance(kAccount, kTxns.dates, kTxns.amounts, day(d)); };
  EXPECT_EQ(eod("2024-03-20"), 10000);  // after balanceDate: the balance
  EXPECT_EQ(eod("2024-03-10"), 10000);  // end of the balance day includes its bookings
  EXPECT_EQ(eod("2024-03-09"), 9900);   // 100 - 1
  EXPECT_EQ(eod("2024-03-01"), 9900);   // no bookings 03-02..03-09: carried
  EXPECT_EQ(eod("2024-02-29"), 7900);   // 99 - 20
  EXPECT_EQ(eod("2024-02-28"), 8400);   // 79 + 5
  EXPECT_EQ(eod("2024-02-27"), 7400);   // 84 - 10
  EXPECT_EQ(eod("2020-01-01"), 7400);
}

TEST(EndOfDayBalance, AccountWithoutTransactionsIsConstant) {
  const AccountBalance a{cents("-3.50"), day("2024-01-31")};
  EXPECT_EQ(end_of_day_balance(a, {}, {}, day("2023-05-05")), -350);
  EXPECT_EQ(end_of_day_balance(a, {}, {}, day("2024-05-05")), -350);
}

TEST(EndOfDayBalance, OverflowIsAnErrorNotAWrap) {
  const AccountBalance a{std::numeric_limits<Cents>::max(), day("2024-01-31")};
  const Txns t{{"2024-01-31", "-0.01"}};
  EXPECT_THROW(end_of_day_balance(a, t.dates, t.amounts, day("2024-01-30")), OverflowError);
}

TEST(HighBalance, StrictlyAboveTheThreshold) {
  // EOD(2024-02-29) = 79.00
  const Day creation = day("2024-02-29");
  EXPECT_EQ(high_balance_account(kAccount, kTxns.dates, kTxns.amounts, creation, cents("78.99")).qualifies, true);
  EXPECT_EQ(high_balance_account(kAccount, kTxns.dates, kTxns.amounts, creation, cents("78.99")).amount, 7900);
  EXPECT_FALSE(high_balance_account(kAccount, kTxns.dates, kTxns.amounts, creation, cents("79.00")).qualifies);
}

TEST(HighBalance, BalanceDateBeforeCreationKeepsTheBalance) {
  const AccountBalance a{cents("-155.50"), day("2024-03-31")};
  const Txns t{{"2024-03-20", "-35.50"}};
  const BalanceResult r = high_balance_account(a, t.dates, t.amounts, day("2024-04-10"), cents("-155.51"));
  EXPECT_TRUE(r.qualifies);
  EXPECT_EQ(r.amount, -15550);
}

// Window: creation 2024-04-15, N = 2 -> 2024-02-01 .. 2024-03-31 (leap February).
// balance 50.00 at 2024-04-10; 04-05 -100 (after the window) -> EOD(03-31) = 150;
// 03-31 +100 -> EOD(03-01..03-30) = 50 = EOD(02-29); 02-29 -60 -> EOD(02-01..02-28) = 110.
TEST(LowBalance, LeapDayAndStrictThreshold) {
  const AccountBalance a{cents("50.00"), day("2024-04-10")};
  const Txns t{{"2024-02-29", "-60.00"}, {"2024-03-31", "100.00"}, {"2024-04-05", "-100.00"}};
  const MonthSlots w(day("2024-04-15"), 2);
  std::vector<Cents> month_min;
  BalanceResult r = low_balance_account(a, t.dates, t.amounts, w, cents("50.00"), month_min);
  EXPECT_FALSE(r.qualifies);  // equal to the threshold does not qualify
  EXPECT_EQ(r.amount, 5000);
  EXPECT_EQ(month_min, (std::vector<Cents>{5000, 5000}));  // Feb: only the 29th is 50
  r = low_balance_account(a, t.dates, t.amounts, w, cents("50.01"), month_min);
  EXPECT_TRUE(r.qualifies);
  EXPECT_EQ(r.amount, 5000);
}

// Window Jan..Mar 2024 (creation 2024-04-10, N = 3). balance 100.00 at 2024-04-10;
// 03-20 +500 -> EOD(01-05..03-19) = -400, carried through February without bookings;
// 01-05 -500 -> EOD(01-01..01-04) = 100.
TEST(LowBalance, CarriedBalanceInAMonthWithoutBookings) {
  const AccountBalance a{cents("100.00"), day("2024-04-10")};
  const Txns t{{"2024-01-05", "-500.00"}, {"2024-03-20", "500.00"}};
  const MonthSlots w(day("2024-04-10"), 3);
  std::vector<Cents> month_min;
  BalanceResult r = low_balance_account(a, t.dates, t.amounts, w, 0, month_min);
  EXPECT_TRUE(r.qualifies);
  EXPECT_EQ(r.amount, -40000);
  EXPECT_EQ(month_min, (std::vector<Cents>{-40000, -40000, -40000}));
  r = low_balance_account(a, t.dates, t.amounts, w, cents("-400.00"), month_min);
  EXPECT_FALSE(r.qualifies);
}

// One month never dips below 0. balance 0 at 2024-03-31: EOD(03-15..03-31) = 0;
// 03-15 +10 -> EOD(03-01..03-14) = -10; 03-01 -15 -> EOD(02-01..02-29) = 5; 02-01 +15 -> EOD(..01-31) = -10.
TEST(LowBalance, EveryMonthMustDip) {
  const AccountBalance a{cents("0.00"), day("2024-03-31")};
  const Txns t{{"2024-02-01", "15.00"}, {"2024-03-01", "-15.00"}, {"2024-03-15", "10.00"}};
  const MonthSlots w(day("2024-04-10"), 3);
  std::vector<Cents> month_min;
  const BalanceResult r = low_balance_account(a, t.dates, t.amounts, w, 0, month_min);
  EXPECT_EQ(month_min, (std::vector<Cents>{-1000, 500, -1000}));
  EXPECT_FALSE(r.qualifies);
  EXPECT_EQ(r.amount, -1000);
}

TEST(LowBalance, AccountWithoutTransactions) {
  const AccountBalance a{cents("-0.01"), day("2024-04-10")};
  const MonthSlots w(day("2024-04-10"), 24);
  std::vector<Cents> month_min;
  const BalanceResult r = low_balance_account(a, {}, {}, w, 0, month_min);
  EXPECT_TRUE(r.qualifies);
  EXPECT_EQ(r.amount, -1);
  EXPECT_EQ(month_min.size(), 24u);
}

TEST(LowBalance, BalanceDateBeforeTheWindow) {
  // balance 20.00 at 2024-01-15; the window Feb..Mar 2024 lies after it: EOD = 20 every day.
  const AccountBalance a{cents("20.00"), day("2024-01-15")};
  const Txns t{{"2024-01-10", "-5.00"}};
  const MonthSlots w(day("2024-04-15"), 2);
  std::vector<Cents> month_min;
  EXPECT_FALSE(low_balance_account(a, t.dates, t.amounts, w, cents("20.00"), month_min).qualifies);
  const BalanceResult r = low_balance_account(a, t.dates, t.amounts, w, cents("20.01"), month_min);
  EXPECT_TRUE(r.qualifies);
  EXPECT_EQ(r.amount, 2000);
}

TEST(LowBalance, SameDayBookingsAtTheWindowEdges) {
  // Window Feb 2024 (creation 2024-03-01, N = 1). balance 0 at 2024-03-01.
  // 03-01 -5 -> EOD(02-29) = 5; 02-01 +3, +4 -> EOD(01-31) = -2 (outside), EOD(02-01..02-28) = 5.
  const AccountBalance a{0, day("2024-03-01")};
  const Txns t{{"2024-02-01", "3.00"}, {"2024-02-01", "4.00"}, {"2024-03-01", "-5.00"}};
  const MonthSlots w(day("2024-03-01"), 1);
  std::vector<Cents> month_min;
  const BalanceResult r = low_balance_account(a, t.dates, t.amounts, w, cents("5.01"), month_min);
  EXPECT_TRUE(r.qualifies);
  EXPECT_EQ(r.amount, 500);
}

TEST(BalanceScan, AccountTypeFilterAndUserSkipping) {
  const auto shards = build_shards(
      {{"x-1", "u1", AccountType::checking, "10.00", "2024-04-10"},
       {"x-2", "u1", AccountType::savings, "99.00", "2024-04-10"},
       {"y-1", "u2", AccountType::savings, "10.00", "2024-04-10"}},
      {});
  JobSpec job;
  job.request.segment = Segment::highBalance;
  job.request.account_type = AccountType::savings;
  job.request.threshold = cents("9.99");
  job.creation_date = day("2024-04-10");
  const SegmentPartial p = run_shards(job, shards);
  EXPECT_EQ(p.user_ids, (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(p.user_json(0), R"({"userId":"u1","accounts":[{"accountId":"x-2","amount":99.00}]})");
  EXPECT_EQ(p.entries, 2u);
  job.request.segment = Segment::lowBalance;
  job.request.account_type.reset();
  job.request.threshold = cents("10.01");
  job.request.duration_in_month = 1;
  const SegmentPartial low = run_shards(job, shards);
  ASSERT_EQ(low.users(), 2u);
  EXPECT_EQ(low.user_json(0), R"({"userId":"u1","accounts":[{"accountId":"x-1","amount":10.00}]})");
  EXPECT_EQ(low.user_json(1), R"({"userId":"u2","accounts":[{"accountId":"y-1","amount":10.00}]})");
}

}  // namespace
}  // namespace finseg::test
