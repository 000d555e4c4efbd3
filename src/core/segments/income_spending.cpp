#include "core/segments/income_spending.hpp"

#include "core/segments/user_json.hpp"

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

IncomeSpending income_spending_account(std::span<const Day> dates, std::span<const Cents> amounts, Day first_day,
                                       Day last_day) {
  IncomeSpending r;
  const std::size_t begin = first_on_or_after(dates, first_day);
  const std::size_t end = first_after(dates, last_day);
  if (begin >= end) return r;
  r.in_window = end - begin;
  // Branch-free (the sign of an amount is a coin toss for the predictor): 128-bit sums cannot
  // overflow, and as each sum only grows in one direction, it leaves int64 cents at some point
  // exactly when its end value does, so one check at the end raises the same OverflowError.
  Int128 incoming = 0;
  Int128 outgoing = 0;
  std::uint64_t incoming_n = 0;
  std::uint64_t outgoing_n = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const Cents a = amounts[i];
    incoming += a > 0 ? a : 0;
    outgoing += a < 0 ? a : 0;
    incoming_n += a > 0;
    outgoing_n += a < 0;
  }
  r.incoming_transactions = incoming_n;
  r.outgoing_transactions = outgoing_n;
  r.incoming_amount = narrow_sum(incoming, "incomingAmount");
  r.outgoing_amount = narrow_sum(outgoing, "outgoingAmount");
  return r;
}

void scan_income_spending(const JobSpec& job, const ShardData& shard, UserRange users, SegmentPartial& out) {
  const MonthWindow window = window_before(job.creation_date, effective_duration(job.request));
  UserJsonBuilder user;
  for (std::size_t u = users.begin; u < users.end; ++u) {
    user.begin(shard.user_id[u], "accounts");
    const auto a_end = static_cast<std::size_t>(shard.user_account_offsets[u + 1]);
    for (auto a = static_cast<std::size_t>(shard.user_account_offsets[u]); a < a_end; ++a) {
      if (job.request.account_type && shard.account_type[a] != *job.request.account_type) continue;
      const AccountTransactions txns = account_transactions(shard, a);
      out.transactions_scanned += txns.size();
      const IncomeSpending r = income_spending_account(txns.booking_date, txns.amount, window.first_day, window.last_day);
      if (!r.appears()) continue;
      std::string& json = user.next_entry();
      json += "{\"accountId\":";
      append_json_string(json, shard.account_id[a]);
      json += ",\"incomingTransactions\":";
      append_json_uint(json, r.incoming_transactions);
      json += ",\"outgoingTransactions\":";
      append_json_uint(json, r.outgoing_transactions);
      json += ",\"incomingAmount\":";
      append_json_money(json, r.incoming_amount);
      json += ",\"outgoingAmount\":";
      append_json_money(json, r.outgoing_amount);
      json += '}';
    }
    user.finish(out);
  }
}

}  // namespace finseg
