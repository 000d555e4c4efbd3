// The demo-bank generator: realistic German retail-bank traffic, deterministic per user.
// User i's accounts and transactions depend only on (seed, i, months, snapshot date), and users
// are split into shards in contiguous blocks, so any number of ranks writes the same store.
#pragma once

#include "core/shard_data.hpp"
#include "core/taxonomy.hpp"

#include <cstdint>
#include <string>
#include <utility>

namespace finseg {

struct DemoBankParams {
  std::int64_t users = 1000;
  int months = 25;                 // history length; months - 1 complete months before the snapshot month
  std::uint64_t seed = 42;
  int shards = 4;
  Day snapshot_date = days_from_civil(2026, 10, 15);
};

// Zero-padded so that UTF-8 byte order equals numeric order: "u0000042".
std::string demo_user_id(std::int64_t index);

// Users [first, second) of shard k.
std::pair<std::int64_t, std::int64_t> demo_shard_users(const DemoBankParams& p, int shard);

// The complete shard k (users sorted, accounts sorted, transactions by (account, bookingDate)).
ShardData generate_demo_shard(const DemoBankParams& p, int shard, const Taxonomy& taxonomy);

}  // namespace finseg
