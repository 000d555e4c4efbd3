// incomeSpendingSummary (SEGMENTS.md 2.3): per account, counts and sums of the incoming (> 0)
// and outgoing (< 0) transactions booked in the window.
#pragma once

#include "core/segments/account_view.hpp"
#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"

#include <cstdint>
#include <span>

namespace finseg {

struct IncomeSpending {
  std::uint64_t in_window = 0;  // all transactions in the window, 0.00 ones included
  std::uint64_t incoming_transactions = 0;
  std::uint64_t outgoing_transactions = 0;
  Cents incoming_amount = 0;
  Cents outgoing_amount = 0;  // <= 0
  // An account appears when it has a transaction in the window, also when all are 0.00.
  bool appears() const noexcept { return in_window != 0; }
};

// `dates` sorted ascending, parallel to `amounts`; the window is [first_day, last_day].
IncomeSpending income_spending_account(std::span<const Day> dates, std::span<const Cents> amounts, Day first_day,
                                       Day last_day);

void scan_income_spending(const JobSpec& job, const ShardData& shard, UserRange users, SegmentPartial& out);

}  // namespace finseg
