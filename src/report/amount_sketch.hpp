// A distribution of money amounts in a few KB whatever the number of values, that merges exactly:
// counts in fixed buckets 1% wide (DDSketch's idea: bucket (b[i-1], b[i]] with b[i] ~ 1.01 b[i-1],
// one cent wide below one euro) on each side of zero, plus the exact count, sum, min and max.
// Buckets are integer counts keyed by integer bounds, so combine() gives the same state whatever
// the order and number of ranks that fed it, and a quantile is within 1% of the exact one.
#pragma once

#include "core/money.hpp"

#include <cereal/types/map.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <vector>

namespace finseg {

class AmountSketch {
 public:
  void add(Cents value);
  void combine(const AmountSketch& other);

  std::uint64_t count() const noexcept { return count_; }
  Cents sum() const noexcept { return sum_; }
  Cents min() const noexcept { return min_; }
  Cents max() const noexcept { return max_; }
  // The q-quantile (0 <= q <= 1) of the values: the k-th smallest, k = round(q * (count - 1)),
  // within 1% (exact below one euro), clamped to [min, max]. count() must be > 0.
  Cents quantile(double q) const;

  // Up to `bins` contiguous groups of buckets from the smallest to the largest value, for a
  // histogram on a logarithmic scale of |amount|: each with its value range and count.
  struct Bin {
    Cents low = 0, high = 0;  // the values in this bin lie in [low, high]
    std::uint64_t count = 0;
  };
  std::vector<Bin> histogram(std::size_t bins) const;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(buckets_, count_, sum_, min_, max_);
  }

 private:
  // Key of a value: 0 for zero, +i for (b[i-1], b[i]], -i for [-b[i], -b[i-1]); key order is value order.
  static int key_of(Cents value);
  static Cents lowest_of(int key);   // the smallest value of a key's bucket
  static Cents highest_of(int key);  // the largest

  std::map<int, std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  Cents sum_ = 0;
  Cents min_ = std::numeric_limits<Cents>::max();
  Cents max_ = std::numeric_limits<Cents>::min();
};

}  // namespace finseg
