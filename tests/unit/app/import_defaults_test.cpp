// The import's defaults that an operator relies on without computing them (docs/import.md).
#include "app/import_store.hpp"

#include <gtest/gtest.h>

using namespace finseg;

// One shard per ~128 MB of CSV, never none, never more than --shards allows.
TEST(ImportDefaults, OneShardPer128MbOfCsv) {
  EXPECT_EQ(default_shard_count(0), 1);
  EXPECT_EQ(default_shard_count(1), 1);
  EXPECT_EQ(default_shard_count(kShardCsvBytes), 1);
  EXPECT_EQ(default_shard_count(kShardCsvBytes + 1), 2);
  EXPECT_EQ(default_shard_count(std::uint64_t{11} << 30), 88);           // the 100,000-user bank's 11 GiB
  EXPECT_EQ(default_shard_count(std::uint64_t{1100} * 1000 * 1000 * 1000), 8196);  // 10M users, ~1.1 TB
  EXPECT_EQ(default_shard_count(~std::uint64_t{0} / 2), 100000);
}
