// Kernel-side views of one account of a shard: its transactions as spans over the numeric
// columns (sorted by bookingDate), plus the checked money helpers the kernels share.
#pragma once

#include "core/errors.hpp"
#include "core/shard_data.hpp"

#include <algorithm>
#include <cstddef>
#include <span>

namespace finseg {

struct AccountTransactions {
  std::size_t first = 0;               // shard index of the first transaction (for the text columns)
  std::span<const Day> booking_date;   // sorted
  std::span<const Cents> amount;
  std::span<const LabelSet> labels;    // empty when the labels column was not read
  std::size_t size() const noexcept { return booking_date.size(); }
};

// The shard's counts come from the offsets, which are always read (a column left unread is empty).
inline std::size_t shard_users(const ShardData& s) noexcept { return s.user_account_offsets.size() - 1; }
inline std::size_t shard_accounts(const ShardData& s) noexcept { return s.account_txn_offsets.size() - 1; }

// The users [begin, end) of a shard a kernel scans: a whole shard, or one block of it when every
// job of a run scans the same block in turn while its transactions are in the core's cache.
struct UserRange {
  std::size_t begin = 0;
  std::size_t end = 0;
};
inline UserRange all_users(const ShardData& s) noexcept { return {0, shard_users(s)}; }

inline AccountTransactions account_transactions(const ShardData& s, std::size_t account) noexcept {
  const auto begin = static_cast<std::size_t>(s.account_txn_offsets[account]);
  const auto end = static_cast<std::size_t>(s.account_txn_offsets[account + 1]);
  AccountTransactions t;
  t.first = begin;
  t.booking_date = std::span<const Day>(s.booking_date).subspan(begin, end - begin);
  t.amount = std::span<const Cents>(s.amount).subspan(begin, end - begin);
  if (!s.labels.empty()) t.labels = std::span<const LabelSet>(s.labels).subspan(begin, end - begin);
  return t;
}

// Index of the first transaction booked on or after `d` / after `d`.
inline std::size_t first_on_or_after(std::span<const Day> dates, Day d) noexcept {
  return static_cast<std::size_t>(std::lower_bound(dates.begin(), dates.end(), d) - dates.begin());
}
inline std::size_t first_after(std::span<const Day> dates, Day d) noexcept {
  return static_cast<std::size_t>(std::upper_bound(dates.begin(), dates.end(), d) - dates.begin());
}

inline Cents checked_sub(Cents a, Cents b, const char* what = "balance") {
  Cents r;
  if (__builtin_sub_overflow(a, b, &r)) throw OverflowError(std::string(what) + " overflows int64 cents");
  return r;
}

// |a| for a money amount; |INT64_MIN| does not fit and is an OverflowError.
inline Cents checked_abs(Cents a, const char* what = "amount") { return a < 0 ? checked_sub(0, a, what) : a; }

}  // namespace finseg
