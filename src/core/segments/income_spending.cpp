#include "core/segments/income_spending.hpp"

#include "core/segments/user_json.hpp"

namespace finseg {

IncomeSpending income_spending_account(std::span<const Day> dates, std::span<const Cents> amounts, Day first_day,
                                       Day last_day) {
  IncomeSpending r;
  const std::size_t begin = first_on_or_after(dates, first_day);
  const std::size_t end = first_after(dates, last_day);
  if (begin >= end) return r;
  r.in_window = end - begin;
  for (std::size_t i = begin; i < end; ++i) {
    const Cents a = amounts[i];
    if (a > 0) {
      ++r.incoming_transactions;
      r.incoming_amount = checked_add(r.incoming_amount, a, "incomingAmount");
    } else if (a < 0) {
      ++r.outgoing_transactions;
      r.outgoing_amount = checked_add(r.outgoing_amount, a, "outgoingAmount");
    }
  }
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
