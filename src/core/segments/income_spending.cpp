#include "core/segments/income_spending.hpp"

#include "core/cpu_features.hpp"
#include "core/segments/user_json.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

namespace finseg {

namespace {
Cents narrow_sum(Int128 sum, const char* what) {
  if (sum > std::numeric_limits<Cents>::max() || sum < std::numeric_limits<Cents>::min())
    throw OverflowError(std::string(what) + " overflows int64 cents");
  return static_cast<Cents>(sum);
}
}  // namespace

namespace {

// The sums of one account's amounts in the window, split so that no lane can overflow: each
// amount's magnitude as its low and high 32 bits, summed apart in uint64 (at most 2^32 terms of
// < 2^32 each). Branch-free and without 128-bit adds, so the compiler vectorises it (the sign
// of an amount is a coin toss for the predictor). Recombined exactly in income_spending_account.
struct SplitSums {
  std::uint64_t in_lo = 0, in_hi = 0, out_lo = 0, out_hi = 0, in_n = 0, out_n = 0;
};

[[gnu::always_inline]] inline void add_split(const Cents* a, std::size_t n, SplitSums& s) noexcept {
  std::uint64_t in_lo = 0, in_hi = 0, out_lo = 0, out_hi = 0, in_n = 0, out_n = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Cents x = a[i];
    const std::uint64_t p = x > 0 ? static_cast<std::uint64_t>(x) : 0;
    const std::uint64_t q = x < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(x) : 0;  // |x|, 2^63 too
    in_lo += p & 0xffffffffu;
    in_hi += p >> 32;
    out_lo += q & 0xffffffffu;
    out_hi += q >> 32;
    in_n += x > 0;
    out_n += x < 0;
  }
  s.in_lo += in_lo, s.in_hi += in_hi, s.out_lo += out_lo, s.out_hi += out_hi, s.in_n += in_n, s.out_n += out_n;
}

#if defined(__x86_64__) && defined(__GNUC__)
// The same loop in AVX2 (64-bit compares, 4 amounts per instruction), taken when the CPU has it.
__attribute__((target("avx2"))) void add_split_avx2(const Cents* a, std::size_t n, SplitSums& s) noexcept {
  add_split(a, n, s);
}
#endif

SplitSums split_sums(const Cents* a, std::size_t n) noexcept {
  SplitSums s;
  constexpr std::size_t kMostTerms = std::size_t{1} << 31;  // keeps every uint64 lane sum exact
  for (std::size_t done = 0; done < n;) {
    const std::size_t part = std::min(n - done, kMostTerms);
#if defined(__x86_64__) && defined(__GNUC__)
    if (cpu_has_avx2())
      add_split_avx2(a + done, part, s);
    else
#endif
      add_split(a + done, part, s);
    done += part;
  }
  return s;
}

Int128 join(std::uint64_t lo, std::uint64_t hi) noexcept { return (static_cast<Int128>(hi) << 32) + lo; }

}  // namespace

IncomeSpending income_spending_account(std::span<const Day> dates, std::span<const Cents> amounts, Day first_day,
                                       Day last_day) {
  IncomeSpending r;
  const std::size_t begin = first_on_or_after(dates, first_day);
  const std::size_t end = first_after(dates, last_day);
  if (begin >= end) return r;
  r.in_window = end - begin;
  // The exact 128-bit sums: as each sum only grows in one direction, it leaves int64 cents at
  // some point exactly when its end value does, so one check at the end raises the same
  // OverflowError as a check per transaction.
  const SplitSums s = split_sums(amounts.data() + begin, end - begin);
  r.incoming_transactions = s.in_n;
  r.outgoing_transactions = s.out_n;
  r.incoming_amount = narrow_sum(join(s.in_lo, s.in_hi), "incomingAmount");
  r.outgoing_amount = narrow_sum(-join(s.out_lo, s.out_hi), "outgoingAmount");
  return r;
}

namespace {

// One account's entry, written in one piece (JsonRoom).
void append_account_entry(std::string& json, std::string_view account_id, const IncomeSpending& r) {
  JsonRoom room(json, 120 + max_json_string(account_id) + 2 * kMaxJsonUint + 2 * kMaxJsonMoney);
  char* p = write_json_string(write_raw(room.begin(), "{\"accountId\":"), account_id);
  p = write_json_uint(write_raw(p, ",\"incomingTransactions\":"), r.incoming_transactions);
  p = write_json_uint(write_raw(p, ",\"outgoingTransactions\":"), r.outgoing_transactions);
  p = write_json_money(write_raw(p, ",\"incomingAmount\":"), r.incoming_amount);
  p = write_json_money(write_raw(p, ",\"outgoingAmount\":"), r.outgoing_amount);
  *p++ = '}';
  room.commit(p);
}

}  // namespace

void scan_income_spending(const JobSpec& job, const ShardData& shard, UserRange users, SegmentPartial& out) {
  const MonthWindow window = window_before(job.creation_date, effective_duration(job.request));
  thread_local UserJsonBuilder user;  // its buffer is kept from block to block
  for (std::size_t u = users.begin; u < users.end; ++u) {
    user.begin(shard.user_id[u], "accounts");
    const auto a_end = static_cast<std::size_t>(shard.user_account_offsets[u + 1]);
    for (auto a = static_cast<std::size_t>(shard.user_account_offsets[u]); a < a_end; ++a) {
      if (job.request.account_type && shard.account_type[a] != *job.request.account_type) continue;
      const AccountTransactions txns = account_transactions(shard, a);
      out.transactions_scanned += txns.size();
      const IncomeSpending r = income_spending_account(txns.booking_date, txns.amount, window.first_day, window.last_day);
      if (!r.appears()) continue;
      append_account_entry(user.next_entry(), shard.account_id[a], r);
    }
    user.finish(out);
  }
}

}  // namespace finseg
