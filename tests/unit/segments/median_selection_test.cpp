// breakdown_stats and payment_frequency find their medians by selection (nth_element), not by
// sorting: over many random inputs, with ties, both even and odd counts, they must give what the
// definition over a sorted copy gives.
#include "core/segments/breakdown.hpp"
#include "core/segments/insurance.hpp"

#include "segment_test_support.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace finseg::test {
namespace {

struct Lcg {
  std::uint64_t state;
  std::uint64_t next(std::uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  }
};

TEST(MedianSelection, BreakdownMinMaxMedianAsOverASortedCopy) {
  Lcg rng{7};
  for (int round = 0; round < 2000; ++round) {
    const std::size_t n = 1 + rng.next(round < 1000 ? 30 : 255);
    const auto spread = static_cast<Cents>(1 + rng.next(round % 3 == 0 ? 5 : 2'000'000));  // small: many ties
    std::vector<Cents> m(n);
    for (auto& x : m) x = static_cast<Cents>(rng.next(static_cast<std::uint64_t>(2 * spread))) - spread;
    std::vector<Cents> sorted = m;
    std::sort(sorted.begin(), sorted.end());
    const Cents pair = sorted[(n - 1) / 2] + sorted[n / 2];
    const Cents expected_median = n % 2 == 1 ? sorted[n / 2] : (pair >= 0 ? (pair + 1) / 2 : -((-pair + 1) / 2));
    const BreakdownStats s = breakdown_stats(m);
    ASSERT_EQ(s.min, sorted.front()) << "round " << round;
    ASSERT_EQ(s.max, sorted.back()) << "round " << round;
    ASSERT_EQ(s.median, expected_median) << "round " << round << ", n " << n;
  }
}

// The band of a median gap as SEGMENTS.md 2.5 defines it, over a sorted copy of the gaps.
Frequency reference_frequency(const std::vector<Day>& dates) {
  std::vector<Day> gaps;
  for (std::size_t i = 1; i < dates.size(); ++i)
    if (dates[i] != dates[i - 1]) gaps.push_back(dates[i] - dates[i - 1]);
  if (gaps.empty()) return Frequency::UNKNOWN;
  std::sort(gaps.begin(), gaps.end());
  const std::size_t m = gaps.size();
  const std::int64_t twice = m % 2 == 1 ? 2 * std::int64_t{gaps[m / 2]} : std::int64_t{gaps[m / 2 - 1]} + gaps[m / 2];
  if (twice >= 40 && twice <= 80) return Frequency::MONTHLY;
  if (twice >= 160 && twice <= 200) return Frequency::QUARTERLY;
  if (twice >= 340 && twice <= 400) return Frequency::HALF_YEARLY;
  if (twice >= 680 && twice <= 780) return Frequency::YEARLY;
  return Frequency::IRREGULAR;
}

TEST(MedianSelection, PaymentFrequencyAsOverSortedGaps) {
  Lcg rng{11};
  const Day steps[] = {0, 1, 20, 30, 31, 41, 90, 92, 181, 200, 365, 400};
  int banded = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<Day> dates(1 + rng.next(40));
    Day d = 10'000;
    const Day usual = steps[rng.next(std::size(steps))];
    for (auto& x : dates) {
      x = d;
      d += rng.next(4) == 0 ? steps[rng.next(std::size(steps))] : usual;  // mostly one gap, some others
    }
    const Frequency want = reference_frequency(dates);
    banded += want != Frequency::IRREGULAR && want != Frequency::UNKNOWN;
    ASSERT_EQ(payment_frequency(dates), want) << "round " << round;
  }
  EXPECT_GT(banded, 500);  // the bands themselves were hit, not only IRREGULAR
}

}  // namespace
}  // namespace finseg::test
