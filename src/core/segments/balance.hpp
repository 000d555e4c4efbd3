// highBalance and lowBalance (SEGMENTS.md 1.3, 2.1, 2.2): end-of-day balances rebuilt backwards
// from an account's booked balance.
#pragma once

#include "core/segments/account_view.hpp"
#include "core/segments/month_slots.hpp"
#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"

#include <span>
#include <vector>

namespace finseg {

struct AccountBalance {
  Cents balance = 0;     // booked balance at the end of balance_date
  Day balance_date = 0;
};

// EOD(a, d) = balance - sum of amount(t) with d < bookingDate(t) <= balanceDate; balance for
// d >= balanceDate. `dates` sorted ascending, parallel to `amounts`.
Cents end_of_day_balance(const AccountBalance& account, std::span<const Day> dates, std::span<const Cents> amounts,
                         Day d);

struct BalanceResult {
  bool qualifies = false;
  Cents amount = 0;  // highBalance: EOD(creationDate); lowBalance: lowest EOD over the window
};

// 2.1: qualifies when EOD(a, creation) > threshold (the account type is the caller's filter).
BalanceResult high_balance_account(const AccountBalance& account, std::span<const Day> dates,
                                   std::span<const Cents> amounts, Day creation, Cents threshold);

// 2.2: qualifies when every window month has a day with EOD < threshold. `month_min` is scratch
// (resized to N); on return it holds the lowest EOD of each window month.
BalanceResult low_balance_account(const AccountBalance& account, std::span<const Day> dates,
                                  std::span<const Cents> amounts, const MonthSlots& window, Cents threshold,
                                  std::vector<Cents>& month_min);

// Shard scans: append the qualifying users among `users` of `shard` to `out`.
void scan_high_balance(const JobSpec& job, const ShardData& shard, UserRange users, SegmentPartial& out);
void scan_low_balance(const JobSpec& job, const ShardData& shard, UserRange users, SegmentPartial& out);

}  // namespace finseg
