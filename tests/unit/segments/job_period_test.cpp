// The period a job's document speaks of (printed by `finseg run`, recorded in its manifest):
// the day after a quarter end gives windows that end on the quarter's last day (issue 18).
#include "core/segments/request.hpp"

#include <gtest/gtest.h>

namespace finseg {
namespace {

JobSpec job(Segment segment, int months, const char* creation) {
  JobSpec j;
  j.request.segment = segment;
  j.request.duration_in_month = months;
  j.creation_date = *parse_date(creation);
  return j;
}

TEST(JobPeriod, DayAfterEachQuarterEndGivesWindowsEndingWithTheQuarter) {
  struct Case { const char* creation; const char* first; const char* last; };
  const Case cases[] = {{"2024-04-01", "2024-01-01", "2024-03-31"},  // Q1 of a leap year
                        {"2026-07-01", "2026-04-01", "2026-06-30"},
                        {"2026-10-01", "2026-07-01", "2026-09-30"},
                        {"2027-01-01", "2026-10-01", "2026-12-31"}};
  for (const auto& c : cases) {
    const JobPeriod p = job_period(job(Segment::lowBalance, 3, c.creation));
    EXPECT_EQ(format_date(p.first_day), c.first) << c.creation;
    EXPECT_EQ(format_date(p.last_day), c.last) << c.creation;
    EXPECT_EQ(p.months, 3);
  }
  const JobPeriod leap = job_period(job(Segment::financialBreakdown, 1, "2024-03-01"));
  EXPECT_EQ(format_date(leap.first_day), "2024-02-01");
  EXPECT_EQ(format_date(leap.last_day), "2024-02-29");
}

TEST(JobPeriod, HighBalanceIsTheCreationDayAndInsuranceDefaultsToTwelveMonths) {
  const JobPeriod high = job_period(job(Segment::highBalance, 0, "2026-09-30"));
  EXPECT_EQ(format_date(high.first_day), "2026-09-30");
  EXPECT_EQ(format_date(high.last_day), "2026-09-30");
  EXPECT_EQ(high.months, 0);
  const JobPeriod insurance = job_period(job(Segment::insuranceSpending, 0, "2026-10-01"));
  EXPECT_EQ(insurance.months, 12);
  EXPECT_EQ(format_date(insurance.first_day), "2025-10-01");
  EXPECT_EQ(format_date(insurance.last_day), "2026-09-30");
}

}  // namespace
}  // namespace finseg
