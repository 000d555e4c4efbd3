#include "csv/csv_partition.hpp"

#include "csv/csv_rows.hpp"

#include <algorithm>
#include <cstddef>
#include <stdexcept>

namespace finseg::csv {

__extension__ typedef unsigned __int128 u128;  // prefix sums times shards never overflow

std::vector<std::size_t> split_balanced(std::span<const std::uint64_t> weights, int shards) {
  if (shards < 1) throw std::invalid_argument("split_balanced: shards must be at least 1");
  const std::size_t n = weights.size();
  const auto s = static_cast<std::size_t>(shards);
  std::vector<u128> prefix(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + weights[i];
  const u128 total = prefix[n];

  std::vector<std::size_t> bounds(s + 1, 0);
  bounds[s] = n;
  for (std::size_t k = 1; k < s; ++k) {
    // The cut i whose prefix[i] is nearest to total * k / shards (compared without division).
    const u128 target = total * k;
    const auto it = std::lower_bound(prefix.begin(), prefix.end(), target,
                                     [&](u128 p, u128 t) { return p * s < t; });
    auto i = static_cast<std::size_t>(it - prefix.begin());  // <= n, since prefix[n] * s >= target
    if (i > 0 && target - prefix[i - 1] * s <= prefix[i] * s - target) --i;
    std::size_t lo = bounds[k - 1];
    std::size_t hi = n;
    if (s <= n) {  // leave at least one item for this block and each later one
      lo = bounds[k - 1] + 1;
      hi = n - (s - k);
    }
    bounds[k] = std::clamp(i, lo, hi);
  }
  return bounds;
}

std::vector<ShardData> build_shards(const AccountTable& accounts, const std::vector<TransactionRow>& txns, int shards) {
  // Accepted accounts in (userId, accountId) byte order: string_view compares as unsigned char.
  std::vector<std::uint32_t> order;
  order.reserve(accounts.accepted);
  for (std::size_t a = 0; a < accounts.rows.size(); ++a)
    if (accounts.rows[a].accepted) order.push_back(static_cast<std::uint32_t>(a));
  std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    const AccountRow& a = accounts.rows[x];
    const AccountRow& b = accounts.rows[y];
    if (const int c = a.user.compare(b.user); c != 0) return c < 0;
    return a.id < b.id;
  });
  std::vector<std::uint32_t> rank(accounts.rows.size(), 0);
  for (std::size_t r = 0; r < order.size(); ++r) rank[order[r]] = static_cast<std::uint32_t>(r);

  // Transactions grouped by account rank (a counting sort keeps input order), then each
  // account's run stably sorted by bookingDate: ties stay in input order.
  std::vector<std::size_t> txn_begin(order.size() + 1, 0);
  for (const TransactionRow& t : txns) ++txn_begin[rank[t.account] + 1];
  for (std::size_t r = 0; r < order.size(); ++r) txn_begin[r + 1] += txn_begin[r];
  std::vector<std::uint32_t> txn_order(txns.size());
  {
    std::vector<std::size_t> fill(txn_begin.begin(), txn_begin.end() - 1);
    for (std::size_t t = 0; t < txns.size(); ++t) txn_order[fill[rank[txns[t].account]]++] = static_cast<std::uint32_t>(t);
  }
  const auto by_date = [&](std::uint32_t x, std::uint32_t y) { return txns[x].booking_date < txns[y].booking_date; };
  for (std::size_t r = 0; r < order.size(); ++r) {
    const auto first = txn_order.begin() + static_cast<std::ptrdiff_t>(txn_begin[r]);
    const auto last = txn_order.begin() + static_cast<std::ptrdiff_t>(txn_begin[r + 1]);
    if (!std::is_sorted(first, last, by_date)) std::stable_sort(first, last, by_date);
  }

  // Users: runs of equal userId in `order`; weight = the user's rows (accounts + transactions).
  std::vector<std::size_t> user_begin;  // into order
  std::vector<std::uint64_t> weight;
  for (std::size_t r = 0; r < order.size(); ++r) {
    if (r == 0 || accounts.rows[order[r]].user != accounts.rows[order[r - 1]].user) {
      user_begin.push_back(r);
      weight.push_back(0);
    }
    weight.back() += 1 + (txn_begin[r + 1] - txn_begin[r]);
  }
  user_begin.push_back(order.size());
  const std::vector<std::size_t> bounds = split_balanced(weight, shards);

  std::vector<ShardData> result(static_cast<std::size_t>(shards));
  for (std::size_t k = 0; k < result.size(); ++k) {
    ShardData& s = result[k];
    const std::size_t a0 = user_begin[bounds[k]], a1 = user_begin[bounds[k + 1]];
    const std::size_t t0 = txn_begin[a0], t1 = txn_begin[a1];
    std::size_t user_bytes = 0, account_bytes = 0, id_bytes = 0, name_bytes = 0, iban_bytes = 0, purpose_bytes = 0;
    for (std::size_t r = a0; r < a1; ++r) {
      const AccountRow& a = accounts.rows[order[r]];
      account_bytes += a.id.size();
      user_bytes += a.user.size();  // an upper bound
      id_bytes += a.txn_text_bytes[0];
      name_bytes += a.txn_text_bytes[1];
      iban_bytes += a.txn_text_bytes[2];
      purpose_bytes += a.txn_text_bytes[3];
    }
    const std::size_t users = bounds[k + 1] - bounds[k], accts = a1 - a0, n = t1 - t0;
    s.user_id.reserve(users, user_bytes);
    s.user_account_offsets.reserve(users + 1);
    s.account_id.reserve(accts, account_bytes);
    s.account_type.reserve(accts);
    s.currency.reserve(accts);
    s.balance.reserve(accts);
    s.balance_date.reserve(accts);
    s.account_txn_offsets.reserve(accts + 1);
    s.transaction_id.reserve(n, id_bytes);
    s.booking_date.reserve(n);
    s.amount.reserve(n);
    s.labels.reserve(n);
    s.counterpart_name.reserve(n, name_bytes);
    s.counterpart_iban.reserve(n, iban_bytes);
    s.purpose.reserve(n, purpose_bytes);

    for (std::size_t u = bounds[k]; u < bounds[k + 1]; ++u) {
      s.add_user(accounts.rows[order[user_begin[u]]].user);
      for (std::size_t r = user_begin[u]; r < user_begin[u + 1]; ++r) {
        const AccountRow& a = accounts.rows[order[r]];
        s.add_account(a.id, a.type, a.currency, a.balance, a.balance_date);
        for (std::size_t i = txn_begin[r]; i < txn_begin[r + 1]; ++i) {
          const TransactionRow& t = txns[txn_order[i]];
          s.add_transaction(t.id, t.booking_date, t.amount, t.labels, t.counterpart_name, t.counterpart_iban, t.purpose);
        }
      }
    }
  }
  return result;
}

}  // namespace finseg::csv
