#include "core/segments/breakdown.hpp"

#include "core/segments/user_json.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace finseg {

namespace {

using u128 = UInt128;

bool square_fits(u128 a, u128& out) { return !__builtin_mul_overflow(a, a, &out); }

// Two-pass long double population standard deviation: only for moments beyond 128 bits.
Cents fallback_standard_deviation(std::span<const Cents> monthly) {
  long double mean = 0;
  for (const Cents x : monthly) mean += static_cast<long double>(x);
  mean /= static_cast<long double>(monthly.size());
  long double m2 = 0;
  for (const Cents x : monthly) {
    const long double d = static_cast<long double>(x) - mean;
    m2 += d * d;
  }
  return static_cast<Cents>(std::floor(std::sqrt(m2 / static_cast<long double>(monthly.size())) + 0.5L));
}

// round_div_half_away for an int64 numerator and a small positive denominator, without 128-bit division.
Cents round_div_half_away_small(Cents num, Cents den) noexcept {
  const Cents q = num / den;
  const Cents rem = num % den;
  const Cents twice = rem < 0 ? -2 * rem : 2 * rem;
  return twice >= den ? (num < 0 ? q - 1 : q + 1) : q;
}

}  // namespace

Cents rounded_sqrt_over(u128 v, unsigned n) {
  // Estimate in floating point, then correct to the exact r with (r - 1/2) n <= sqrt(v) < (r + 1/2) n,
  // i.e. ((2r - 1) n)^2 <= 4v < ((2r + 1) n)^2. Below 2^64 a double estimate is within one of r.
  const long double root = v <= u128{~std::uint64_t{0}}
                               ? static_cast<long double>(std::sqrt(static_cast<double>(static_cast<std::uint64_t>(v))))
                               : std::sqrt(static_cast<long double>(v));
  u128 r = static_cast<u128>(std::floor(root / static_cast<long double>(n) + 0.5L));
  u128 four_v;
  if (__builtin_mul_overflow(v, u128{4}, &four_v)) return static_cast<Cents>(r);
  for (int step = 0; step < 64; ++step) {
    u128 upper, upper_sq;
    if (__builtin_mul_overflow(2 * r + 1, u128{n}, &upper) || !square_fits(upper, upper_sq)) break;
    if (upper_sq <= four_v) {
      ++r;
      continue;
    }
    if (r == 0) break;
    u128 lower, lower_sq;
    if (__builtin_mul_overflow(2 * r - 1, u128{n}, &lower) || !square_fits(lower, lower_sq)) break;
    if (lower_sq > four_v) {
      --r;
      continue;
    }
    break;
  }
  return static_cast<Cents>(r);
}

BreakdownStats breakdown_stats(std::span<const Cents> monthly) {
  const std::size_t n = monthly.size();
  if (n == 0 || n > 255) throw std::logic_error("breakdown_stats: needs 1..255 months");
  BreakdownStats s;
  // Only min, max and the middle values are needed: one pass and nth_element instead of a sort
  // of all N (the sort was most of breakdown_stats in a run).
  const auto [lo, hi] = std::minmax_element(monthly.begin(), monthly.end());
  s.min = *lo;
  s.max = *hi;
  std::array<Cents, 255> part;  // not zeroed: only the first n are written and read
  std::copy(monthly.begin(), monthly.end(), part.begin());
  const auto mid = part.begin() + static_cast<std::ptrdiff_t>(n / 2);
  const auto last = part.begin() + static_cast<std::ptrdiff_t>(n);
  std::nth_element(part.begin(), mid, last);
  const Cents upper = *mid;
  if (n % 2 == 1) {
    s.median = upper;
  } else {
    const Cents lower = *std::max_element(part.begin(), mid);  // the largest of the half before mid
    Cents pair;
    s.median = __builtin_add_overflow(lower, upper, &pair) ? round_div_half_away(static_cast<Int128>(lower) + upper, 2)
                                                           : round_div_half_away_small(pair, 2);
  }

  Int128 sum = 0;
  Int128 sum_sq = 0;
  bool moments_fit = true;
  for (const Cents x : monthly) s.total = checked_add(s.total, x, "financialBreakdown total");
  // |x| < 2^53 (90 trillion) bounds N sum(x^2) by 2^122: no overflow checks needed.
  constexpr Cents kSmall = Cents{1} << 53;
  if (s.min > -kSmall && s.max < kSmall) {
    for (const Cents x : monthly) {
      sum += x;
      sum_sq += static_cast<Int128>(x) * x;
    }
  } else {
    for (const Cents x : monthly) {
      sum += x;
      Int128 sq;
      if (__builtin_mul_overflow(static_cast<Int128>(x), static_cast<Int128>(x), &sq) ||
          __builtin_add_overflow(sum_sq, sq, &sum_sq))
        moments_fit = false;
    }
  }
  const auto nn = static_cast<Int128>(n);
  s.average = round_div_half_away_small(s.total, static_cast<Cents>(n));
  // N^2 var = N sum(x^2) - (sum x)^2 >= 0, exact in 128 bits for every realistic amount.
  Int128 n_sum_sq, sum_squared, scaled_var;
  if (moments_fit && !__builtin_mul_overflow(nn, sum_sq, &n_sum_sq) &&
      !__builtin_mul_overflow(sum, sum, &sum_squared) &&
      !__builtin_sub_overflow(n_sum_sq, sum_squared, &scaled_var) && scaled_var >= 0)
    s.standard_deviation = rounded_sqrt_over(static_cast<u128>(scaled_var), static_cast<unsigned>(n));
  else
    s.standard_deviation = fallback_standard_deviation(monthly);
  return s;
}

BreakdownAccumulator::BreakdownAccumulator(const MonthSlots& window, std::vector<LabelSet> group_masks)
    : window_(&window), months_(static_cast<std::size_t>(window.months())), masks_(std::move(group_masks)) {
  if (masks_.size() > 64) throw std::logic_error("BreakdownAccumulator: more than 64 groups");
  for (std::size_t g = 0; g < masks_.size(); ++g) {
    any_mask_ |= masks_[g];
    for (int b = 0; b < kMaxLabels; ++b)
      if (masks_[g] & (LabelSet{1} << b)) groups_of_bit_[static_cast<std::size_t>(b)] |= std::uint64_t{1} << g;
  }
  sums_.assign(masks_.size() * months_, 0);
  present_.assign(masks_.size(), 0);
}

void BreakdownAccumulator::reset() {
  std::fill(sums_.begin(), sums_.end(), 0);
  std::fill(present_.begin(), present_.end(), 0);
}

bool BreakdownAccumulator::any_present() const noexcept {
  return std::any_of(present_.begin(), present_.end(), [](unsigned char p) { return p != 0; });
}

void BreakdownAccumulator::add_account(std::span<const Day> dates, std::span<const Cents> amounts,
                                       std::span<const LabelSet> labels) {
  const std::size_t end = first_after(dates, window_->last_day());
  for (std::size_t i = first_on_or_after(dates, window_->first_day()); i < end; ++i) {
    LabelSet bits = labels[i] & any_mask_;
    if (bits == 0) continue;
    std::uint64_t matched = 0;  // a group counts once, also when a row carries several of its labels
    do {
      matched |= groups_of_bit_[static_cast<std::size_t>(std::countr_zero(bits))];
      bits &= bits - 1;
    } while (bits != 0);
    const auto slot = static_cast<std::size_t>(window_->slot(dates[i]));
    const Cents a = amounts[i];
    do {
      const auto g = static_cast<std::size_t>(std::countr_zero(matched));
      matched &= matched - 1;
      present_[g] = 1;
      Cents& cell = sums_[g * months_ + slot];
      if (__builtin_add_overflow(cell, a, &cell)) throw OverflowError("financialBreakdown monthly sum overflows int64 cents");
    } while (matched != 0);
  }
}

namespace {

// What scan_financial_breakdown keeps from block to block (it is called per block of a few users,
// once per job): the month names, the accumulator and the JSON buffer are made again only when
// the job's window or groups change, instead of a dozen allocations per block.
struct BreakdownScratch {
  const MonthSlots* window = nullptr;
  Day first_day = 0;
  int months = 0;
  std::vector<LabelSet> masks;
  std::vector<std::string> month_entries;  // per slot: {"month":"YYYY-MM","amount":
  std::optional<BreakdownAccumulator> acc;
  std::vector<std::string_view> group_names;
  UserJsonBuilder user;

  // The accumulator for this window and these groups, made anew only when either changed.
  BreakdownAccumulator& prepare(const MonthSlots& w, const std::vector<LabelSet>& group_masks) {
    if (acc && window == &w && first_day == w.first_day() && months == w.months() && masks == group_masks) return *acc;
    acc.reset();
    window = nullptr;
    month_entries.clear();
    for (int s = 0; s < w.months(); ++s)
      month_entries.push_back("{\"month\":\"" + format_month(w.month(s)) + "\",\"amount\":");
    acc.emplace(w, group_masks);
    masks = group_masks;
    window = &w;
    first_day = w.first_day();
    months = w.months();
    return *acc;
  }
};

}  // namespace

namespace {

// One group's entry, written in one piece (JsonRoom): 31 money values per entry at 25 months.
void append_breakdown(std::string& json, std::string_view group_name, const BreakdownStats& s,
                      std::span<const Cents> monthly, const std::vector<std::string>& month_entries) {
  const std::pair<std::string_view, Cents> fields[] = {
      {",\"total\":", s.total},   {",\"average\":", s.average}, {",\"min\":", s.min},
      {",\"max\":", s.max},       {",\"median\":", s.median},   {",\"standardDeviation\":", s.standard_deviation}};
  constexpr std::string_view kHead = "{\"labelGroup\":", kMonths = ",\"months\":[";
  std::size_t bound = kHead.size() + max_json_string(group_name) + kMonths.size() + 2;
  for (const auto& f : fields) bound += f.first.size() + kMaxJsonMoney;
  for (std::size_t m = 0; m < monthly.size(); ++m) bound += 1 + month_entries[m].size() + kMaxJsonMoney + 1;
  JsonRoom room(json, bound);
  char* p = write_json_string(write_raw(room.begin(), kHead), group_name);
  for (const auto& [key, value] : fields) p = write_json_money(write_raw(p, key), value);
  p = write_raw(p, kMonths);
  for (std::size_t m = 0; m < monthly.size(); ++m) {
    if (m != 0) *p++ = ',';
    p = write_json_money(write_raw(p, month_entries[m]), monthly[m]);
    *p++ = '}';
  }
  *p++ = ']';
  *p++ = '}';
  room.commit(p);
}

}  // namespace

void scan_financial_breakdown(const JobSpec& job, const Taxonomy& taxonomy, const ShardData& shard, UserRange users,
                              SegmentPartial& out) {
  thread_local BreakdownScratch scratch;
  const MonthSlots& window = cached_month_slots(job.creation_date, effective_duration(job.request));
  thread_local std::vector<LabelSet> masks;
  masks.clear();
  scratch.group_names.clear();
  for (const int g : job.request.label_groups) {
    masks.push_back(taxonomy.group_mask(g));
    scratch.group_names.push_back(taxonomy.groups().at(static_cast<std::size_t>(g)).name);
  }
  BreakdownAccumulator& acc = scratch.prepare(window, masks);
  const std::vector<std::string>& month_entries = scratch.month_entries;
  const std::vector<std::string_view>& group_names = scratch.group_names;
  UserJsonBuilder& user = scratch.user;
  for (std::size_t u = users.begin; u < users.end; ++u) {
    acc.reset();
    const auto a_end = static_cast<std::size_t>(shard.user_account_offsets[u + 1]);
    for (auto a = static_cast<std::size_t>(shard.user_account_offsets[u]); a < a_end; ++a) {
      const AccountTransactions txns = account_transactions(shard, a);
      out.transactions_scanned += txns.size();
      acc.add_account(txns.booking_date, txns.amount, txns.labels);
    }
    if (!acc.any_present()) continue;
    user.begin(shard.user_id[u], "breakdowns");
    for (std::size_t g = 0; g < acc.groups(); ++g) {
      if (!acc.present(g)) continue;
      const std::span<const Cents> monthly = acc.monthly(g);
      const BreakdownStats s = breakdown_stats(monthly);
      append_breakdown(user.next_entry(), group_names[g], s, monthly, month_entries);
    }
    user.finish(out);
  }
}

}  // namespace finseg
