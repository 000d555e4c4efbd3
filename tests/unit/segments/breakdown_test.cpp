// financialBreakdown (SEGMENTS.md 2.4): exact statistics and the monthly accumulation.
#include "core/segments/breakdown.hpp"

#include "segment_test_support.hpp"

#include <nlohmann/json.hpp>

namespace finseg::test {
namespace {

TEST(BreakdownStats, OddN) {
  // {100.00, -50.00, 300.00}: total 350.00; average 116.666.. -> 116.67; median 100.00;
  // N sum(x^2) - (sum x)^2 = 3 * 1.025e9 - 1.225e9 = 1.85e9 cents^2; sqrt / 3 = 14337.2088 -> 143.37.
  const std::vector<Cents> m{10000, -5000, 30000};
  const BreakdownStats s = breakdown_stats(m);
  EXPECT_EQ(s.total, 35000);
  EXPECT_EQ(s.average, 11667);
  EXPECT_EQ(s.min, -5000);
  EXPECT_EQ(s.max, 30000);
  EXPECT_EQ(s.median, 10000);
  EXPECT_EQ(s.standard_deviation, 14337);
}

TEST(BreakdownStats, EvenN) {
  // {-12.34, 56.78, 910.11, -1213.14}: total -258.59; average -64.6475 -> -64.65 (half away);
  // median (-12.34 + 56.78) / 2 = 22.22; sd = sqrt(91466716747) / 4 = 75608.662 -> 756.09.
  const std::vector<Cents> m{-1234, 5678, 91011, -121314};
  const BreakdownStats s = breakdown_stats(m);
  EXPECT_EQ(s.total, -25859);
  EXPECT_EQ(s.average, -6465);
  EXPECT_EQ(s.min, -121314);
  EXPECT_EQ(s.max, 91011);
  EXPECT_EQ(s.median, 2222);
  EXPECT_EQ(s.standard_deviation, 75609);
}

TEST(BreakdownStats, EvenMedianRoundsHalfAwayFromZero) {
  EXPECT_EQ(breakdown_stats(std::vector<Cents>{1, 2}).median, 2);     // 0.015 -> 0.02
  EXPECT_EQ(breakdown_stats(std::vector<Cents>{-1, -2}).median, -2);  // -0.015 -> -0.02
  EXPECT_EQ(breakdown_stats(std::vector<Cents>{-3, 0}).median, -2);   // -0.015 -> -0.02
  EXPECT_EQ(breakdown_stats(std::vector<Cents>{-3, 0}).average, -2);
  EXPECT_EQ(breakdown_stats(std::vector<Cents>{0, 0, 0, 7}).median, 0);
}

TEST(BreakdownStats, ZeroMonths) {
  const BreakdownStats s = breakdown_stats(std::vector<Cents>{0, 0, 0, 0});
  EXPECT_EQ(s.total, 0);
  EXPECT_EQ(s.average, 0);
  EXPECT_EQ(s.median, 0);
  EXPECT_EQ(s.standard_deviation, 0);
}

TEST(BreakdownStats, StandardDeviationHalfCentRoundsUp) {
  EXPECT_EQ(breakdown_stats(std::vector<Cents>{0, 1}).standard_deviation, 1);  // exactly 0.005
  EXPECT_EQ(breakdown_stats(std::vector<Cents>{0, 3}).standard_deviation, 2);  // exactly 0.015
  EXPECT_EQ(breakdown_stats(std::vector<Cents>{5, 5, 5}).standard_deviation, 0);
  // One month of N = 12 carries 12.00: sd = sqrt(11) * 100 = 331.66..
  std::vector<Cents> twelve(12, 0);
  twelve[3] = 1200;
  EXPECT_EQ(breakdown_stats(twelve).standard_deviation, 332);
}

TEST(BreakdownStats, RoundedSqrtIsExactBeyondLongDouble) {
  // sqrt(v) / 2 = r + 1/2 exactly when v = (2r + 1)^2: rounds up; one less rounds down.
  const UInt128 r = 1'000'000'000'000ULL;
  const UInt128 v = (2 * r + 1) * (2 * r + 1);
  EXPECT_EQ(rounded_sqrt_over(v, 2), static_cast<Cents>(r + 1));
  EXPECT_EQ(rounded_sqrt_over(v - 1, 2), static_cast<Cents>(r));
  EXPECT_EQ(rounded_sqrt_over(0, 5), 0);
  EXPECT_EQ(rounded_sqrt_over(8, 2), 1);
  EXPECT_EQ(rounded_sqrt_over(9, 2), 2);
}

TEST(BreakdownStats, HugeValuesStayFinite) {
  const Cents big = std::numeric_limits<Cents>::max() / 2;
  const BreakdownStats s = breakdown_stats(std::vector<Cents>{big, -big});
  EXPECT_EQ(s.total, 0);
  EXPECT_EQ(s.median, 0);
  EXPECT_NEAR(static_cast<double>(s.standard_deviation), static_cast<double>(big), 1e4);
  EXPECT_THROW(breakdown_stats(std::vector<Cents>{big, big, big}), OverflowError);
}

// Window Jan..Mar 2024 (creation 2024-04-10, N = 3); groups INCOME, INSURANCE, GAMBLING, RENTANDLIVING.
TEST(BreakdownAccumulator, MultiLabelZeroAmountAndWindowEdges) {
  const MonthSlots w(day("2024-04-10"), 3);
  const Taxonomy& t = taxonomy();
  BreakdownAccumulator acc(w, {t.group_mask(group("INCOME")), t.group_mask(group("INSURANCE")),
                               t.group_mask(group("GAMBLING")), t.group_mask(group("RENTANDLIVING"))});
  const std::vector<Day> dates{day("2023-12-31"), day("2024-01-01"), day("2024-01-31"), day("2024-02-29"),
                               day("2024-03-31"), day("2024-04-01")};
  const std::vector<Cents> amounts{100000, 10000, 1501, -2000, 0, 777};
  const std::vector<LabelSet> lbl{labels("SALARY"), labels("SALARY"), labels("CAPITALINCOME;LIFEINSURANCE"),
                                  labels("INSURANCE"), labels("GAMBLING"), labels("SALARY")};
  acc.add_account(dates, amounts, lbl);
  // A second account of the same user adds into the same months.
  // A row with the group and a leaf of it counts once.
  const std::vector<Day> d2{day("2024-03-15"), day("2024-03-16")};
  const std::vector<Cents> a2{-5, -100};
  const std::vector<LabelSet> l2{labels("INCOME"), labels("INSURANCE;CARINSURANCE")};
  acc.add_account(d2, a2, l2);
  ASSERT_TRUE(acc.present(0) && acc.present(1) && acc.present(2));
  EXPECT_FALSE(acc.present(3));
  EXPECT_EQ(std::vector<Cents>(acc.monthly(0).begin(), acc.monthly(0).end()), (std::vector<Cents>{11501, 0, -5}));
  EXPECT_EQ(std::vector<Cents>(acc.monthly(1).begin(), acc.monthly(1).end()), (std::vector<Cents>{1501, -2000, -100}));
  EXPECT_EQ(std::vector<Cents>(acc.monthly(2).begin(), acc.monthly(2).end()), (std::vector<Cents>{0, 0, 0}));
  acc.reset();
  EXPECT_FALSE(acc.any_present());
}

TEST(BreakdownScan, GroupInOneMonthOnlyAndUsersWithoutMatchesLeftOut) {
  const auto shards = build_shards(
      {{"a1", "u1", AccountType::checking, "0", "2024-04-10"}, {"a2", "u1", AccountType::savings, "0", "2024-04-10"},
       {"b1", "u2", AccountType::checking, "0", "2024-04-10"}},
      {{"t1", "a1", "2024-02-10", "-12.34", "", "RENT"},
       {"t2", "a2", "2024-02-20", "-0.66", "", "ENERGY"},
       {"t3", "b1", "2024-02-20", "-5.00", "", "GROCERIES"},
       {"t4", "b1", "2023-12-20", "-5.00", "", "RENT"}});
  JobSpec job;
  job.request.segment = Segment::financialBreakdown;
  job.request.duration_in_month = 2;
  job.request.label_groups = {group("RENTANDLIVING"), group("INCOME")};
  job.creation_date = day("2024-04-10");
  const SegmentPartial p = run_shards(job, shards);
  ASSERT_EQ(p.user_ids, std::vector<std::string>{"u1"});
  // Feb -13.00, Mar 0: total -13.00, average -6.50, median -6.50, sd 6.50.
  EXPECT_EQ(p.user_json(0),
            R"({"userId":"u1","breakdowns":[{"labelGroup":"RENTANDLIVING","total":-13.00,"average":-6.50,"min":-13.00,)"
            R"("max":0.00,"median":-6.50,"standardDeviation":6.50,"months":[{"month":"2024-02","amount":-13.00},)"
            R"({"month":"2024-03","amount":0.00}]}]})");
  EXPECT_EQ(p.entries, 1u);
  EXPECT_EQ(p.transactions_scanned, 4u);
}

TEST(BreakdownScan, ReadsOnlyItsColumns) {
  auto shards = build_shards({{"a1", "u1", AccountType::checking, "0", "2024-04-10"}},
                             {{"t1", "a1", "2024-03-10", "1.00", "x", "SALARY"}});
  ShardData& s = shards[0];
  // What the store leaves empty for financialBreakdown's ColumnSet.
  s.account_id.clear();
  s.account_type.clear();
  s.balance.clear();
  s.balance_date.clear();
  s.currency.clear();
  s.transaction_id.clear();
  s.counterpart_name.clear();
  JobSpec job;
  job.request.segment = Segment::financialBreakdown;
  job.request.duration_in_month = 1;
  job.request.label_groups = {group("INCOME")};
  job.creation_date = day("2024-04-10");
  EXPECT_EQ(required_columns(job.request) & (kAccountMeta | kText | kTransactionIds), 0u);
  const SegmentPartial p = run_shards(job, shards);
  ASSERT_EQ(p.users(), 1u);
  s.labels.clear();
  SegmentPartial q;
  EXPECT_THROW(compute_segment(job, taxonomy(), s, q), std::logic_error);
}

}  // namespace
}  // namespace finseg::test
