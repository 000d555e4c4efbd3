// NameDictionary (store/name_dictionary.hpp): ids in order of first use, the same name the same
// id while the lookup table has room; past its bound a new name gets a new id each time it comes
// (the writer's memory stays flat), and a shard past the bound still writes the same file from a
// ShardData as row by row, and reads back its names.
#include "store/name_dictionary.hpp"
#include "store/shard_stream.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace finseg {
namespace {

TEST(NameDictionary, IdsInOrderOfFirstUse) {
  NameDictionary d;
  bool added = false;
  EXPECT_EQ(d.id("Allianz", added), 0u);
  EXPECT_TRUE(added);
  EXPECT_EQ(d.id("", added), 1u);
  EXPECT_TRUE(added);
  EXPECT_EQ(d.id("Allianz", added), 0u);
  EXPECT_FALSE(added);
  EXPECT_EQ(d.id(std::string("\0x", 2), added), 2u);  // any bytes, NUL too
  EXPECT_EQ(d.id("", added), 1u);
  EXPECT_FALSE(added);
  EXPECT_EQ(d.size(), 3u);
}

TEST(NameDictionary, PastItsBoundANewNameGetsANewIdEachTime) {
  NameDictionary d;
  bool added = false;
  for (std::size_t i = 0; i < NameDictionary::kMaxEntries; ++i) ASSERT_EQ(d.id(std::to_string(i), added), i);
  EXPECT_EQ(d.id("0", added), 0u);  // still known
  EXPECT_FALSE(added);
  const std::uint32_t first = d.id("late", added);
  EXPECT_TRUE(added);
  EXPECT_EQ(d.id("late", added), first + 1);  // added again: correct, only larger
  EXPECT_TRUE(added);
}

// More distinct names than the table holds: both writers agree byte for byte and every name
// reads back (the dictionary then holds the late names more than once).
TEST(NameDictionary, AShardPastTheBoundWritesAndReadsItsNames) {
  test::ScratchDir dir;
  const Taxonomy taxonomy = test::default_taxonomy();
  ShardData data;
  data.add_user("u");
  data.add_account("u-a", AccountType::checking, test::cur("EUR"), 0, 20'000);
  const std::size_t n = NameDictionary::kMaxEntries + 1000;
  for (std::size_t t = 0; t < n; ++t)
    data.add_transaction("t", 20'000, -1, 0, t >= n - 10 ? "late" : "name " + std::to_string(t), "", "");
  ShardWriteOptions options;
  const ShardInfo memory = write_shard(dir / "memory.h5", data, taxonomy, options);
  std::filesystem::create_directories(dir / "spool");
  ShardStreamWriter rows(dir / "spool", "columns", std::uint64_t{1} << 20);
  rows.add_user("u");
  rows.add_account("u-a", AccountType::checking, test::cur("EUR"), 0, 20'000);
  for (std::size_t t = 0; t < n; ++t) rows.add_transaction("t", 20'000, -1, 0, data.counterpart_name[t], "", "");
  ShardInfo streamed = write_shard(dir / "streamed.h5", rows, taxonomy, options);
  EXPECT_EQ(streamed.checksum, memory.checksum);
  const ShardData back = read_shard(dir.path(), memory, kCounterpartNameIds);
  ASSERT_TRUE(back.counterpart_names_by_id);
  EXPECT_EQ(back.counterpart_name_dict.size(), n);  // "late" ten times
  for (std::size_t t = 0; t < n; ++t) ASSERT_EQ(back.counterpart_name_of(t), data.counterpart_name[t]) << t;
}

}  // namespace
}  // namespace finseg
