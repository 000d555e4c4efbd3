// Test helpers: small banks written as rows, built into sorted ShardData the way the store
// holds them (users by userId, accounts by accountId, transactions by bookingDate, all byte order).
#pragma once

#include "core/segments/document.hpp"
#include "core/segments/kernels.hpp"
#include "io/taxonomy_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace finseg::test {

inline const Taxonomy& taxonomy() {
  static const Taxonomy t = load_taxonomy(std::filesystem::path(FINSEG_SOURCE_DIR) / "config/labels.json");
  return t;
}

inline Day day(const std::string& text) {
  const auto d = parse_date(text);
  if (!d) throw std::invalid_argument("bad test date " + text);
  return *d;
}

inline Cents cents(const std::string& text) {
  const MoneyParse m = parse_money(text);
  if (!m.ok()) throw std::invalid_argument("bad test amount " + text);
  return m.value;
}

inline LabelSet labels(const std::string& cell) {
  const auto parsed = taxonomy().parse(cell);
  if (!parsed.error.empty()) throw std::invalid_argument(parsed.error);
  return parsed.set;
}

struct AccountRow {
  std::string account_id;
  std::string user_id;
  AccountType type;
  std::string balance;
  std::string balance_date;
};

struct TxnRow {
  std::string transaction_id;
  std::string account_id;
  std::string booking_date;
  std::string amount;
  std::string counterpart_name;
  std::string labels;
};

// Users split into `shards` contiguous blocks of sorted userIds (some may be empty).
inline std::vector<ShardData> build_shards(std::vector<AccountRow> accounts, std::vector<TxnRow> txns, int shards = 1) {
  std::sort(accounts.begin(), accounts.end(), [](const AccountRow& a, const AccountRow& b) {
    return a.user_id != b.user_id ? a.user_id < b.user_id : a.account_id < b.account_id;
  });
  std::stable_sort(txns.begin(), txns.end(), [](const TxnRow& a, const TxnRow& b) { return day(a.booking_date) < day(b.booking_date); });
  std::map<std::string, std::vector<const TxnRow*>> by_account;
  for (const TxnRow& t : txns) by_account[t.account_id].push_back(&t);
  std::vector<std::string> users;
  for (const AccountRow& a : accounts)
    if (users.empty() || users.back() != a.user_id) users.push_back(a.user_id);
  std::vector<ShardData> out(static_cast<std::size_t>(shards));
  for (std::size_t u = 0; u < users.size(); ++u) {
    ShardData& shard = out[u * out.size() / users.size()];
    shard.add_user(users[u]);
    for (const AccountRow& a : accounts) {
      if (a.user_id != users[u]) continue;
      shard.add_account(a.account_id, a.type, Currency{'E', 'U', 'R'}, cents(a.balance), day(a.balance_date));
      for (const TxnRow* t : by_account[a.account_id])
        shard.add_transaction(t->transaction_id, day(t->booking_date), cents(t->amount), labels(t->labels),
                              t->counterpart_name, "", "");
    }
  }
  return out;
}

inline SegmentPartial run_shards(const JobSpec& job, const std::vector<ShardData>& shards) {
  SegmentPartial all;
  for (const ShardData& s : shards) {
    SegmentPartial part;
    compute_segment(job, taxonomy(), s, part);
    all.combine(std::move(part));
  }
  return all;
}

inline std::string run_document(const JobSpec& job, const std::vector<ShardData>& shards) {
  return render_document(job, run_shards(job, shards));
}

inline int group(const char* name) { return *taxonomy().group_index(name); }
inline int bit(const char* name) { return *taxonomy().bit_of(name); }

}  // namespace finseg::test
