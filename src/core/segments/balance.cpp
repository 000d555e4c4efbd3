#include "core/segments/balance.hpp"

#include "core/segments/user_json.hpp"

#include <limits>

namespace finseg {

Cents end_of_day_balance(const AccountBalance& account, std::span<const Day> dates, std::span<const Cents> amounts,
                         Day d) {
  Cents eod = account.balance;
  if (d >= account.balance_date) return eod;
  for (std::size_t i = first_after(dates, d); i < dates.size() && dates[i] <= account.balance_date; ++i)
    eod = checked_sub(eod, amounts[i]);
  return eod;
}

BalanceResult high_balance_account(const AccountBalance& account, std::span<const Day> dates,
                                   std::span<const Cents> amounts, Day creation, Cents threshold) {
  const Cents eod = end_of_day_balance(account, dates, amounts, creation);
  return {eod > threshold, eod};
}

BalanceResult low_balance_account(const AccountBalance& account, std::span<const Day> dates,
                                  std::span<const Cents> amounts, const MonthSlots& window, Cents threshold,
                                  std::vector<Cents>& month_min) {
  const Day first = window.first_day();
  const Day last = window.last_day();
  month_min.assign(static_cast<std::size_t>(window.months()), std::numeric_limits<Cents>::max());
  // EOD is constant between booking dates: `cur` holds on every day of [lo, hi].
  auto cover = [&](Day lo, Day hi, Cents cur) {
    for (int s = window.slot(lo), e = window.slot(hi); s <= e; ++s) {
      Cents& m = month_min[static_cast<std::size_t>(s)];
      if (cur < m) m = cur;
    }
  };
  Cents cur = end_of_day_balance(account, dates, amounts, last);
  const std::size_t lo_index = first_on_or_after(dates, first);
  Day hi = last;
  // Walk backwards through the window's bookings: EOD(D - 1) = EOD(D) - amounts booked on D.
  // Bookings after balanceDate are outside the definition of EOD (and rejected at import).
  for (std::size_t i = first_after(dates, last); i-- > lo_index;) {
    const Day d = dates[i];
    if (d > account.balance_date) continue;
    if (d <= hi) {
      cover(d, hi, cur);
      hi = d - 1;
    }
    cur = checked_sub(cur, amounts[i]);
  }
  if (hi >= first) cover(first, hi, cur);

  BalanceResult r{true, std::numeric_limits<Cents>::max()};
  for (const Cents m : month_min) {
    if (!(m < threshold)) r.qualifies = false;
    if (m < r.amount) r.amount = m;
  }
  return r;
}

namespace {

bool type_matches(const SegmentRequest& request, const ShardData& shard, std::size_t account) {
  return !request.account_type || shard.account_type[account] == *request.account_type;
}

// One account's entry, written in one piece (JsonRoom).
void append_amount_entry(std::string& json, std::string_view account_id, Cents amount) {
  JsonRoom room(json, 25 + max_json_string(account_id) + kMaxJsonMoney);
  char* p = write_json_string(write_raw(room.begin(), "{\"accountId\":"), account_id);
  p = write_json_money(write_raw(p, ",\"amount\":"), amount);
  *p++ = '}';
  room.commit(p);
}

// The shared skeleton of both balance segments: per user, per account of the requested type.
template <class AccountKernel>
void scan_balance_accounts(const JobSpec& job, const ShardData& shard, UserRange users, SegmentPartial& out,
                           AccountKernel&& kernel) {
  thread_local UserJsonBuilder user;  // its buffer is kept from block to block
  for (std::size_t u = users.begin; u < users.end; ++u) {
    user.begin(shard.user_id[u], "accounts");
    const auto a_end = static_cast<std::size_t>(shard.user_account_offsets[u + 1]);
    for (auto a = static_cast<std::size_t>(shard.user_account_offsets[u]); a < a_end; ++a) {
      if (!type_matches(job.request, shard, a)) continue;
      const AccountTransactions txns = account_transactions(shard, a);
      out.transactions_scanned += txns.size();
      const BalanceResult r = kernel(AccountBalance{shard.balance[a], shard.balance_date[a]}, txns);
      if (r.qualifies) append_amount_entry(user.next_entry(), shard.account_id[a], r.amount);
    }
    user.finish(out);
  }
}

}  // namespace

void scan_high_balance(const JobSpec& job, const ShardData& shard, UserRange users, SegmentPartial& out) {
  const Day creation = job.creation_date;
  const Cents threshold = job.request.threshold;
  scan_balance_accounts(job, shard, users, out, [&](const AccountBalance& account, const AccountTransactions& txns) {
    return high_balance_account(account, txns.booking_date, txns.amount, creation, threshold);
  });
}

void scan_low_balance(const JobSpec& job, const ShardData& shard, UserRange users, SegmentPartial& out) {
  const MonthSlots& window = cached_month_slots(job.creation_date, effective_duration(job.request));
  const Cents threshold = job.request.threshold;
  thread_local std::vector<Cents> month_min;
  scan_balance_accounts(job, shard, users, out, [&](const AccountBalance& account, const AccountTransactions& txns) {
    return low_balance_account(account, txns.booking_date, txns.amount, window, threshold, month_min);
  });
}

}  // namespace finseg
