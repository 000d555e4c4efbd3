// The import's defaults that an operator relies on without computing them (docs/import.md).
#include "app/import_store.hpp"

#include <gtest/gtest.h>

using namespace finseg;

// One shard per ~64 MB of CSV, at least 4 (a small bank still spreads over a few ranks), never
// more than --shards allows.
TEST(ImportDefaults, OneShardPer64MbOfCsvAtLeastFour) {
  EXPECT_EQ(kShardCsvBytes, std::uint64_t{64} << 20);
  EXPECT_EQ(default_shard_count(0), 4);
  EXPECT_EQ(default_shard_count(1), 4);
  EXPECT_EQ(default_shard_count(4 * kShardCsvBytes), 4);
  EXPECT_EQ(default_shard_count(4 * kShardCsvBytes + 1), 5);
  EXPECT_EQ(default_shard_count(std::uint64_t{11} << 30), 176);          // the 100,000-user bank's 11 GiB
  EXPECT_EQ(default_shard_count(std::uint64_t{1100} * 1000 * 1000 * 1000), 16392);  // 10M users, ~1.1 TB
  EXPECT_EQ(default_shard_count(~std::uint64_t{0} / 2), 100000);
}
