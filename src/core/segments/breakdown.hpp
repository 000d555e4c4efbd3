// financialBreakdown (SEGMENTS.md 2.4): per user and requested label group, the signed monthly
// sums over the window and their statistics, all exact in integer cents.
#pragma once

#include "core/segments/account_view.hpp"
#include "core/segments/month_slots.hpp"
#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace finseg {

struct BreakdownStats {
  Cents total = 0;
  Cents average = 0;  // total / N, rounded half away from zero
  Cents min = 0;
  Cents max = 0;
  Cents median = 0;   // mean of the two middle values when N is even, rounded half away
  Cents standard_deviation = 0;  // population; sqrt of exact integer moments, rounded to cents
};

// `monthly` holds N >= 1 values (N <= 255).
BreakdownStats breakdown_stats(std::span<const Cents> monthly);

__extension__ typedef unsigned __int128 UInt128;

// round(sqrt(v) / n) half away from zero, exactly for every v whose check fits in 128 bits.
Cents rounded_sqrt_over(UInt128 v, unsigned n);

// Monthly sums of one user's matching transactions, per requested group, reused user to user.
class BreakdownAccumulator {
 public:
  // `group_masks[g]`: a transaction matches group g when (labels & group_masks[g]) != 0. At most 64 groups.
  BreakdownAccumulator(const MonthSlots& window, std::vector<LabelSet> group_masks);

  void reset();  // start the next user
  void add_account(std::span<const Day> dates, std::span<const Cents> amounts, std::span<const LabelSet> labels);

  std::size_t groups() const noexcept { return masks_.size(); }
  bool present(std::size_t g) const noexcept { return present_[g] != 0; }
  bool any_present() const noexcept;
  std::span<const Cents> monthly(std::size_t g) const noexcept {
    return std::span<const Cents>(sums_).subspan(g * months_, months_);
  }

 private:
  const MonthSlots* window_;
  std::size_t months_;
  std::vector<LabelSet> masks_;
  LabelSet any_mask_ = 0;
  // For each label bit, the requested groups (as bits of a mask over request indices) it matches:
  // a transaction is routed by its few label bits instead of testing every requested group.
  std::array<std::uint64_t, kMaxLabels> groups_of_bit_{};
  std::vector<Cents> sums_;  // group-major: sums_[g * N + slot]
  std::vector<unsigned char> present_;
};

void scan_financial_breakdown(const JobSpec& job, const Taxonomy& taxonomy, const ShardData& shard, UserRange users,
                              SegmentPartial& out);

}  // namespace finseg
