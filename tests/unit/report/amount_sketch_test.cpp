// The report's distributions: quantiles within 1% of the exact ones, and a merge that gives the
// same state whatever the split (what makes the page byte-identical at any rank count).
#include "parallel/wire.hpp"
#include "report/amount_sketch.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace finseg {
namespace {

std::vector<Cents> amounts(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> size(8.0, 2.0);  // cents: from a few cents to millions of euros
  std::bernoulli_distribution negative(0.3);
  std::vector<Cents> v;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<Cents>(size(rng));
    v.push_back(i % 97 == 0 ? 0 : negative(rng) ? -c : c);
  }
  return v;
}

Cents exact_quantile(std::vector<Cents> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(std::llround(q * static_cast<double>(v.size() - 1)))];
}

TEST(AmountSketch, QuantilesWithinOnePercentCountSumMinMaxExact) {
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    const auto v = amounts(seed, 20000);
    AmountSketch s;
    for (const Cents c : v) s.add(c);
    EXPECT_EQ(s.count(), v.size());
    Cents sum = 0;
    for (const Cents c : v) sum += c;
    EXPECT_EQ(s.sum(), sum);
    EXPECT_EQ(s.min(), *std::min_element(v.begin(), v.end()));
    EXPECT_EQ(s.max(), *std::max_element(v.begin(), v.end()));
    for (const double q : {0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0}) {
      const Cents want = exact_quantile(v, q), got = s.quantile(q);
      EXPECT_LE(std::abs(static_cast<double>(got - want)), 0.01 * std::abs(static_cast<double>(want)) + 1)
          << "seed " << seed << " q " << q << ": " << got << " vs " << want;
    }
  }
}

TEST(AmountSketch, SmallAmountsAreExact) {
  AmountSketch s;
  for (const Cents c : {3, 1, 4, 1, 5, 9, 2, 6, 5}) s.add(c);
  EXPECT_EQ(s.quantile(0.5), 4);
  EXPECT_EQ(s.quantile(0.25), 2);
  EXPECT_EQ(s.quantile(0.75), 5);
}

TEST(AmountSketch, CombineOfAnySplitEqualsOneSketchByteForByte) {
  const auto v = amounts(7, 5000);
  AmountSketch whole;
  for (const Cents c : v) whole.add(c);
  for (const std::size_t parts : {2u, 3u, 4u, 7u, 17u}) {
    std::vector<AmountSketch> part(parts);
    for (std::size_t i = 0; i < v.size(); ++i) part[i * parts / v.size()].add(v[i]);
    AmountSketch merged;
    for (std::size_t p = parts; p-- > 0;) merged.combine(part[p]);  // any order
    EXPECT_EQ(to_bytes(merged), to_bytes(whole)) << parts << " parts";
  }
}

TEST(AmountSketch, HistogramCoversEveryValueOnce) {
  const auto v = amounts(11, 3000);
  AmountSketch s;
  for (const Cents c : v) s.add(c);
  const auto bins = s.histogram(24);
  ASSERT_FALSE(bins.empty());
  EXPECT_LE(bins.size(), 24u);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < bins.size(); ++i) {
    total += bins[i].count;
    EXPECT_LE(bins[i].low, bins[i].high);
    if (i > 0) {
      EXPECT_LT(bins[i - 1].high, bins[i].low);
    }
    const auto inside = std::count_if(v.begin(), v.end(), [&](Cents c) { return c >= bins[i].low && c <= bins[i].high; });
    EXPECT_EQ(static_cast<std::uint64_t>(inside), bins[i].count) << "bin " << i;
  }
  EXPECT_EQ(total, v.size());
  EXPECT_EQ(bins.front().low, s.min());
  EXPECT_EQ(bins.back().high, s.max());
}

}  // namespace
}  // namespace finseg
