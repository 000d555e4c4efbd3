// insuranceSpending (SEGMENTS.md 2.5) and incomeSpendingSummary (2.3) kernels.
#include "core/segments/income_spending.hpp"
#include "core/segments/insurance.hpp"

#include "segment_test_support.hpp"

#include <random>

namespace finseg::test {
namespace {

TEST(IncomeSpending, ZeroOnlyAccountAppearsWithZeros) {
  const std::vector<Day> dates{day("2024-01-31"), day("2024-02-01"), day("2024-02-29"), day("2024-03-01")};
  const std::vector<Cents> amounts{500, 0, 0, -700};
  const IncomeSpending r = income_spending_account(dates, amounts, day("2024-02-01"), day("2024-02-29"));
  EXPECT_TRUE(r.appears());
  EXPECT_EQ(r.in_window, 2u);
  EXPECT_EQ(r.incoming_transactions + r.outgoing_transactions, 0u);
  EXPECT_EQ(r.incoming_amount, 0);
  EXPECT_EQ(r.outgoing_amount, 0);
}

TEST(IncomeSpending, SumsAndCountsInclusiveWindowEdges) {
  const std::vector<Day> dates{day("2024-01-31"), day("2024-02-01"), day("2024-02-01"), day("2024-02-29"), day("2024-03-01")};
  const std::vector<Cents> amounts{500, 1, -250, -50, -700};
  const IncomeSpending r = income_spending_account(dates, amounts, day("2024-02-01"), day("2024-02-29"));
  EXPECT_EQ(r.incoming_transactions, 1u);
  EXPECT_EQ(r.outgoing_transactions, 2u);
  EXPECT_EQ(r.incoming_amount, 1);
  EXPECT_EQ(r.outgoing_amount, -300);
  EXPECT_FALSE(income_spending_account(dates, amounts, day("2023-01-01"), day("2023-12-31")).appears());
}

TEST(Provider, WhiteSpaceNormalisation) {
  EXPECT_EQ(normalize_provider("  Allianz \t\n Versicherungs-AG \r"), "Allianz Versicherungs-AG");
  EXPECT_EQ(normalize_provider("\v\fX\r"), "X");
  EXPECT_EQ(normalize_provider(""), "");
  EXPECT_EQ(normalize_provider(" \t "), "");
  EXPECT_EQ(normalize_provider("A\xc2\xa0" "B"), "A\xc2\xa0" "B");  // NBSP is not ASCII white space
  EXPECT_EQ(normalize_provider("axa"), "axa");                      // case is kept
}

// Names are normalised eight bytes at a time when they are in normal form already: the result
// must be the character-by-character definition's for any mix of white space, controls and text,
// at every length and position around the 8-byte words.
TEST(Provider, NormalisationEqualsTheDefinition) {
  const auto reference = [](std::string_view name) {
    const auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
    std::string out;
    bool pending = false;
    for (const char c : name) {
      if (space(c)) {
        pending = !out.empty();
        continue;
      }
      if (pending) out += ' ';
      pending = false;
      out += c;
    }
    return out;
  };
  const std::string alphabet = std::string("  \t\n\v\f\rab\x01\x1f\x7f\xc2\xa0", 14) + '\0';
  std::mt19937 rng(42);
  for (int i = 0; i < 200000; ++i) {
    std::string name(rng() % 20, 'a');
    for (auto& c : name) c = rng() % 3 == 0 ? alphabet[rng() % alphabet.size()] : static_cast<char>('A' + rng() % 26);
    ASSERT_EQ(normalize_provider(name), reference(name)) << "seed 42, case " << i;
  }
}

TEST(InsuranceType, FirstLeafInTableOrderElseTheGroup) {
  const Taxonomy& t = taxonomy();
  const int g = group("INSURANCE");
  const LabelSet mask = t.group_mask(g);
  const int gb = t.group_bit(g);
  EXPECT_EQ(insurance_type_bit(labels("ACCIDENTINSURANCE;HEALTHINSURANCE"), mask, gb), bit("HEALTHINSURANCE"));
  EXPECT_EQ(insurance_type_bit(labels("HOUSEHOLDINSURANCE;LIABILITYINSURANCE"), mask, gb), bit("LIABILITYINSURANCE"));
  EXPECT_EQ(insurance_type_bit(labels("INSURANCE;CARINSURANCE"), mask, gb), bit("CARINSURANCE"));
  EXPECT_EQ(insurance_type_bit(labels("INSURANCE"), mask, gb), gb);
  EXPECT_EQ(insurance_type_bit(labels("CAPITALINCOME;RENT"), mask, gb), -1);
}

Frequency gap(int days) {
  const std::vector<Day> d{1000, 1000 + days};
  return payment_frequency(d);
}

TEST(Frequency, BandEdgesAreClosed) {
  EXPECT_EQ(gap(19), Frequency::IRREGULAR);
  EXPECT_EQ(gap(20), Frequency::MONTHLY);
  EXPECT_EQ(gap(40), Frequency::MONTHLY);
  EXPECT_EQ(gap(41), Frequency::IRREGULAR);
  EXPECT_EQ(gap(79), Frequency::IRREGULAR);
  EXPECT_EQ(gap(80), Frequency::QUARTERLY);
  EXPECT_EQ(gap(100), Frequency::QUARTERLY);
  EXPECT_EQ(gap(101), Frequency::IRREGULAR);
  EXPECT_EQ(gap(169), Frequency::IRREGULAR);
  EXPECT_EQ(gap(170), Frequency::HALF_YEARLY);
  EXPECT_EQ(gap(200), Frequency::HALF_YEARLY);
  EXPECT_EQ(gap(201), Frequency::IRREGULAR);
  EXPECT_EQ(gap(339), Frequency::IRREGULAR);
  EXPECT_EQ(gap(340), Frequency::YEARLY);
  EXPECT_EQ(gap(390), Frequency::YEARLY);
  EXPECT_EQ(gap(391), Frequency::IRREGULAR);
}

TEST(Frequency, MedianOfDistinctDates) {
  EXPECT_EQ(payment_frequency(std::vector<Day>{5}), Frequency::UNKNOWN);
  EXPECT_EQ(payment_frequency(std::vector<Day>{5, 5, 5}), Frequency::UNKNOWN);  // one distinct date
  EXPECT_EQ(payment_frequency(std::vector<Day>{0, 40, 81}), Frequency::IRREGULAR);  // median 40.5
  EXPECT_EQ(payment_frequency(std::vector<Day>{0, 40, 80}), Frequency::MONTHLY);    // median 40
  EXPECT_EQ(payment_frequency(std::vector<Day>{0, 30, 60, 260}), Frequency::MONTHLY);  // 30, 30, 200
  // Same-day duplicates do not make a 0 gap: distinct dates 0, 30, 60.
  EXPECT_EQ(payment_frequency(std::vector<Day>{0, 0, 30, 30, 60}), Frequency::MONTHLY);
  // Even number of gaps: 20, 40, 140, 140 -> (40 + 140) / 2 = 90.
  EXPECT_EQ(payment_frequency(std::vector<Day>{0, 20, 60, 200, 340}), Frequency::QUARTERLY);
  EXPECT_EQ(to_string(Frequency::HALF_YEARLY), "HALF_YEARLY");
}

InsurancePayment pay(const char* date, const char* amount, const char* type, std::string_view provider) {
  return {day(date), cents(amount), bit(type), provider};
}

TEST(InsuranceContracts, LatestAmountTiesHistoryAndOrder) {
  // Window Jan..Mar 2024.
  std::vector<InsurancePayment> p{
      pay("2024-03-05", "-10.00", "ACCIDENTINSURANCE", "ERGO"),  // same day: the larger one is the amount
      pay("2024-03-05", "-12.00", "ACCIDENTINSURANCE", "ERGO"),
      pay("2024-02-01", "-99.00", "CARINSURANCE", "B"),  // latest is 10.00, not the largest
      pay("2024-03-01", "-10.00", "CARINSURANCE", "B"),
      pay("2024-03-01", "-7.00", "HEALTHINSURANCE", "B"),  // HEALTH sorts after CAR by name
      pay("2023-03-15", "-60.00", "LIABILITYINSURANCE", "B"),  // history outside the window
      pay("2024-03-15", "-62.50", "LIABILITYINSURANCE", "B"),
      pay("2023-11-30", "-5.00", "LIFEINSURANCE", "A"),  // no payment in the window: not reported
  };
  std::vector<InsuranceContract> c;
  insurance_contracts(p, day("2024-01-01"), taxonomy().names(), c);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].provider, "B");
  EXPECT_EQ(c[0].type_bit, bit("CARINSURANCE"));
  EXPECT_EQ(c[0].amount, 1000);
  EXPECT_EQ(c[0].last_payment_date, day("2024-03-01"));
  EXPECT_EQ(c[0].payments_in_period, 2u);
  EXPECT_EQ(c[0].total_in_period, 10900);
  EXPECT_EQ(c[0].frequency, Frequency::MONTHLY);  // 29 days
  EXPECT_EQ(c[1].type_bit, bit("HEALTHINSURANCE"));
  EXPECT_EQ(c[1].frequency, Frequency::UNKNOWN);
  EXPECT_EQ(c[2].type_bit, bit("LIABILITYINSURANCE"));
  EXPECT_EQ(c[2].frequency, Frequency::YEARLY);  // 366 days across the leap year
  EXPECT_EQ(c[2].payments_in_period, 1u);
  EXPECT_EQ(c[2].total_in_period, 6250);
  EXPECT_EQ(c[3].provider, "ERGO");
  EXPECT_EQ(c[3].amount, 1200);
  EXPECT_EQ(c[3].frequency, Frequency::UNKNOWN);
  EXPECT_EQ(c[3].payments_in_period, 2u);
  EXPECT_EQ(c[3].total_in_period, 2200);
}

// The payments are sorted by provider and type ranks, or by the names themselves beyond 64
// providers in one account: both orders must be the names' byte order.
TEST(InsuranceContracts, ManyProvidersSortByName) {
  for (const int providers : {3, 64, 65, 200}) {
    std::vector<std::string> names;
    for (int i = providers - 1; i >= 0; --i) names.push_back("P" + std::to_string(i));  // "P10" < "P9"
    std::vector<InsurancePayment> p;
    for (const auto& n : names) {
      p.push_back(pay("2024-02-01", "-2.00", "LIFEINSURANCE", n));
      p.push_back(pay("2024-02-01", "-3.00", "CARINSURANCE", n));
    }
    std::vector<InsuranceContract> c;
    insurance_contracts(p, day("2024-01-01"), taxonomy().names(), c);
    ASSERT_EQ(c.size(), 2u * static_cast<std::size_t>(providers)) << providers;
    std::vector<std::string> sorted = names;  // a copy: the contracts' providers view `names`
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < c.size(); ++i) {
      EXPECT_EQ(c[i].provider, sorted[i / 2]) << providers << " " << i;
      EXPECT_EQ(c[i].type_bit, bit(i % 2 == 0 ? "CARINSURANCE" : "LIFEINSURANCE")) << providers << " " << i;
      EXPECT_EQ(c[i].amount, i % 2 == 0 ? 300 : 200);
    }
  }
}

// Names in normal form are used as they are, the others normalised: spellings of one provider
// make one contract whichever comes first.
TEST(InsuranceScan, ProviderSpellingsMakeOneContract) {
  const auto shards = build_shards(
      {{"a1", "u1", AccountType::checking, "0", "2024-04-10"}},
      {{"t1", "a1", "2024-01-03", "-5.00", "  Allianz   AG", "CARINSURANCE"},
       {"t2", "a1", "2024-02-03", "-5.00", "Allianz AG", "CARINSURANCE"},
       {"t3", "a1", "2024-03-03", "-6.00", "Allianz\tAG ", "CARINSURANCE"},
       {"t4", "a1", "2024-03-04", "-1.00", "AXA", "CARINSURANCE"}});
  JobSpec job;
  job.request.segment = Segment::insuranceSpending;
  job.request.duration_in_month = 3;
  job.creation_date = day("2024-04-10");
  SegmentPartial p = run_shards(job, shards);
  ASSERT_EQ(p.users(), 1u);
  EXPECT_EQ(p.user_json(0),
            R"({"userId":"u1","accounts":[{"accountId":"a1","insurances":[{"provider":"AXA","insuranceType":"CARINSURANCE",)"
            R"("amount":1.00,"frequency":"UNKNOWN","lastPaymentDate":"2024-03-04","paymentsInPeriod":1,"totalInPeriod":1.00},)"
            R"({"provider":"Allianz AG","insuranceType":"CARINSURANCE","amount":6.00,"frequency":"MONTHLY",)"
            R"("lastPaymentDate":"2024-03-03","paymentsInPeriod":3,"totalInPeriod":16.00}]}]})");
}

TEST(InsuranceScan, MissingTypesAndIgnoredPayments) {
  const auto shards = build_shards(
      {{"a1", "u1", AccountType::checking, "0", "2024-04-10"},
       {"a2", "u1", AccountType::savings, "0", "2024-04-10"},
       {"b1", "u2", AccountType::checking, "0", "2024-04-10"}},
      {{"t1", "a1", "2024-03-01", "-5.00", " Prov  \"X\"\t", "CARINSURANCE"},
       {"t2", "a1", "2024-03-02", "5.00", "Refund", "CARINSURANCE"},      // positive: not a payment
       {"t3", "a1", "2024-04-01", "-5.00", "Later", "CARINSURANCE"},      // after the window
       {"t4", "a2", "2024-03-03", "-1.00", "", "INSURANCE"},              // empty provider
       {"t5", "b1", "2024-03-03", "-1.00", "Shop", "GROCERIES"}});       // not insurance
  JobSpec job;
  job.request.segment = Segment::insuranceSpending;
  job.request.duration_in_month = 3;
  job.request.expected_insurance_types = std::vector<int>{bit("CARINSURANCE"), bit("CARINSURANCE")};
  job.creation_date = day("2024-04-10");
  SegmentPartial p = run_shards(job, shards);
  ASSERT_EQ(p.user_ids, std::vector<std::string>{"u1"});
  EXPECT_EQ(p.user_json(0),
            R"({"userId":"u1","accounts":[{"accountId":"a1","insurances":[{"provider":"Prov \"X\"","insuranceType":"CARINSURANCE",)"
            R"("amount":5.00,"frequency":"UNKNOWN","lastPaymentDate":"2024-03-01","paymentsInPeriod":1,"totalInPeriod":5.00}]},)"
            R"({"accountId":"a2","insurances":[{"provider":"","insuranceType":"INSURANCE","amount":1.00,"frequency":"UNKNOWN",)"
            R"("lastPaymentDate":"2024-03-03","paymentsInPeriod":1,"totalInPeriod":1.00}]}],"missingInsuranceTypes":[]})");
  EXPECT_EQ(p.entries, 2u);  // contracts
  job.request.expected_insurance_types.reset();
  job.request.duration_in_month = 0;  // the default: 12 months
  p = run_shards(job, shards);
  ASSERT_EQ(p.users(), 1u);
  EXPECT_EQ(p.user_json(0).find("missingInsuranceTypes"), std::string::npos);
  EXPECT_EQ(render_document(job, p).rfind("{\"durationInMonth\":12,", 0), 0u);
}

}  // namespace
}  // namespace finseg::test
