// The accounts phase of the parallel import: accounts*.csv read on every rank, the users cut into
// shards, each shard's accounts checked and sorted by its owner, and the account map every rank
// needs to route the transactions.
//
// Shards are contiguous ranges of users in userId byte order, cut independently of the number
// of ranks: from a bottom-k sample of the distinct userIds by hash (the same sample whoever read
// which row), sorted, the k-th quantiles become the first users of the shards. With fewer users
// than the sample's size the cut is exact: shards of equal numbers of users.
#pragma once

#include "ingest/import_context.hpp"
#include "ingest/import_dedup.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace finseg::ingest {

// accountId -> shard and balanceDate of every accepted account: 16 bytes per account, sorted by a
// 64-bit hash of the accountId (two accepted accounts with equal hashes are detected, not mixed
// up), plus the first rejected accounts for the transactions' reasons.
struct AccountMapEntry {
  std::uint64_t hash = 0;
  std::uint32_t shard = 0;
  Day balance_date = 0;
};
static_assert(sizeof(AccountMapEntry) == 16);

class AccountMap {
 public:
  AccountMap() = default;
  AccountMap(std::vector<AccountMapEntry> entries, std::vector<FirstRejected> rejected);
  const AccountMapEntry* find(std::uint64_t hash) const;
  const FirstRejected* find_rejected(std::string_view id) const;
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  std::vector<AccountMapEntry> entries_;  // sorted by hash, unique
  std::vector<FirstRejected> rejected_;   // sorted by id
};

struct AccountsOutcome {
  AccountMap map;
  std::uint64_t accepted = 0;  // accounts, all ranks
};

// Collective. Leaves the sorted accounts of each shard this rank owns in the staging folder
// (kind "accounts", part = shard), for the shard writer (import_shards.hpp).
AccountsOutcome import_accounts(ImportContext& ctx);

// The accepted accounts of a shard in store order, as import_accounts left them.
std::vector<AccountRec> read_shard_accounts(const ImportContext& ctx, int shard, SpillReader& holder);

}  // namespace finseg::ingest
