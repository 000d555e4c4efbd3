#include "report/amount_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace finseg {

namespace {

// b[0] = 0, b[i] = max(b[i-1] + 1, floor(b[i-1] * 1.01)): integer bounds built by the same
// multiplications everywhere (no libm), so every rank buckets a value alike.
const std::vector<Cents>& upper_bounds() {
  static const std::vector<Cents> bounds = [] {
    std::vector<Cents> b{0};
    const auto top = static_cast<double>(std::numeric_limits<Cents>::max());
    while (true) {
      const double next = std::floor(static_cast<double>(b.back()) * 1.01);
      if (next >= top / 1.02) break;
      b.push_back(std::max(b.back() + 1, static_cast<Cents>(next)));
    }
    b.push_back(std::numeric_limits<Cents>::max());
    return b;
  }();
  return bounds;
}

}  // namespace

int AmountSketch::key_of(Cents value) {
  if (value == 0) return 0;
  // |INT64_MIN| does not fit: it shares the last bucket with INT64_MAX.
  const Cents magnitude = value == std::numeric_limits<Cents>::min() ? std::numeric_limits<Cents>::max() : std::abs(value);
  const auto& b = upper_bounds();
  const int i = static_cast<int>(std::lower_bound(b.begin(), b.end(), magnitude) - b.begin());
  return value > 0 ? i : -i;
}

Cents AmountSketch::lowest_of(int key) {
  const auto& b = upper_bounds();
  if (key == 0) return 0;
  if (key > 0) return b[static_cast<std::size_t>(key - 1)] + 1;
  return -b[static_cast<std::size_t>(-key)];
}

Cents AmountSketch::highest_of(int key) {
  const auto& b = upper_bounds();
  if (key == 0) return 0;
  if (key > 0) return b[static_cast<std::size_t>(key)];
  return -(b[static_cast<std::size_t>(-key - 1)] + 1);
}

void AmountSketch::add(Cents value) {
  ++buckets_[key_of(value)];
  ++count_;
  sum_ = checked_add(sum_, value, "report: sum of amounts");
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void AmountSketch::combine(const AmountSketch& other) {
  for (const auto& [key, n] : other.buckets_) buckets_[key] += n;
  count_ += other.count_;
  sum_ = checked_add(sum_, other.sum_, "report: sum of amounts");
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

Cents AmountSketch::quantile(double q) const {
  if (count_ == 0) throw std::logic_error("AmountSketch::quantile of no values");
  const auto k = static_cast<std::uint64_t>(std::llround(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_ - 1)));
  if (k == 0) return min_;
  if (k == count_ - 1) return max_;
  std::uint64_t seen = 0;
  for (const auto& [key, n] : buckets_) {
    seen += n;
    if (seen <= k) continue;
    // The middle of the bucket (geometric for a wide one: the relative error stays below 1%).
    const Cents lo = lowest_of(key), hi = highest_of(key);
    const double mid = lo > 0 ? std::sqrt(static_cast<double>(lo) * static_cast<double>(hi))
                       : hi < 0 ? -std::sqrt(static_cast<double>(lo) * static_cast<double>(hi)) : 0.0;
    return std::clamp(static_cast<Cents>(std::llround(mid)), min_, max_);
  }
  return max_;
}

std::vector<AmountSketch::Bin> AmountSketch::histogram(std::size_t bins) const {
  std::vector<Bin> out;
  if (buckets_.empty() || bins == 0) return out;
  const int first = buckets_.begin()->first, last = buckets_.rbegin()->first;
  const auto span = static_cast<std::size_t>(last - first + 1);
  const std::size_t width = (span + bins - 1) / bins;  // buckets per bin
  for (int from = first; from <= last; from += static_cast<int>(width)) {
    const int to = std::min(last, from + static_cast<int>(width) - 1);
    Bin bin{std::max(lowest_of(from), min_), std::min(highest_of(to), max_), 0};
    for (auto it = buckets_.lower_bound(from); it != buckets_.end() && it->first <= to; ++it) bin.count += it->second;
    out.push_back(bin);
  }
  return out;
}

}  // namespace finseg
