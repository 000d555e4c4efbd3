// StoreBuilder (commit, abort, never overwrite, MPI-style shared temp folder) and manifest.json
// (round trip and validation).
#include "core/errors.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

namespace finseg {
namespace {

namespace fs = std::filesystem;
using test::ScratchDir;

std::vector<std::string> folder_entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

StoreManifest build_store(const fs::path& target, const Taxonomy& taxonomy, int shards) {
  StoreBuilder builder(target);
  StoreManifest manifest;
  for (int k = 0; k < shards; ++k)
    manifest.shards.push_back(builder.write(k, test::synthetic_shard(3 + k, static_cast<std::uint64_t>(k), taxonomy), taxonomy));
  manifest.created_by = "test";
  builder.commit(manifest);
  return read_manifest(target);
}

TEST(StoreBuilder, CommitRenamesACompleteStoreIntoPlace) {
  ScratchDir dir;
  const Taxonomy taxonomy = test::default_taxonomy();
  const auto target = dir / "bank";
  const StoreManifest m = build_store(target, taxonomy, 3);
  EXPECT_EQ(folder_entries(dir.path()), std::vector<std::string>{"bank"});  // no temp folder left
  EXPECT_EQ(folder_entries(target),
            (std::vector<std::string>{"manifest.json", "shard-00000.h5", "shard-00001.h5", "shard-00002.h5"}));
  EXPECT_EQ(m.shards.size(), 3u);
  EXPECT_EQ(m.labels, taxonomy.names());
  EXPECT_EQ(m.label_groups.size(), taxonomy.groups().size());
  EXPECT_EQ(m.label_groups[1].name, "INSURANCE");
  EXPECT_EQ(m.label_groups[1].labels, taxonomy.groups()[1].labels);
  EXPECT_EQ(m.created_by, "test");
  EXPECT_EQ(m.snapshot_date, 20'700);
  std::uint64_t transactions = 0;
  for (int k = 0; k < 3; ++k) {
    const ShardData expected = test::synthetic_shard(3 + k, static_cast<std::uint64_t>(k), taxonomy);
    EXPECT_EQ(read_shard(target, m.shards[static_cast<std::size_t>(k)]), expected);
    transactions += expected.transactions();
  }
  EXPECT_EQ(m.transactions(), transactions);
  EXPECT_EQ(m.users(), 3u + 4u + 5u);
  EXPECT_NO_THROW(verify_store(target, m));
}

TEST(StoreBuilder, WithoutCommitNothingIsLeftBehind) {
  ScratchDir dir;
  const Taxonomy taxonomy = test::default_taxonomy();
  {
    StoreBuilder builder(dir / "bank");
    EXPECT_EQ(builder.temp_dir().parent_path(), dir.path());
    EXPECT_EQ(builder.temp_dir().filename().string().rfind("bank.tmp-", 0), 0u);
    builder.write(0, test::synthetic_shard(2, 1, taxonomy), taxonomy);
    EXPECT_TRUE(fs::exists(builder.temp_dir() / "shard-00000.h5"));
  }
  EXPECT_TRUE(folder_entries(dir.path()).empty());
}

TEST(StoreBuilder, AFailedWriteLeavesNoHalfStore) {
  ScratchDir dir;
  try {
    StoreBuilder builder(dir / "bank");
    builder.write(0, ShardData{}, Taxonomy{});
    ShardData broken = test::hand_built_shard();
    broken.purpose.clear();
    builder.write(1, broken, test::full_taxonomy());
    FAIL() << "no exception";
  } catch (const std::logic_error&) {
  }
  EXPECT_TRUE(folder_entries(dir.path()).empty());
}

TEST(StoreBuilder, NeverOverwritesAStore) {
  ScratchDir dir;
  fs::create_directory(dir / "bank");
  EXPECT_THROW(StoreBuilder(dir / "bank"), IoError);

  // The target appears while the store is being built (even empty): commit fails, and the
  // builder still cleans up.
  {
    StoreBuilder builder(dir / "bank2");
    StoreManifest manifest;
    manifest.shards.push_back(builder.write(0, ShardData{}, Taxonomy{}));
    fs::create_directory(dir / "bank2");
    EXPECT_THROW(builder.commit(manifest), IoError);
  }
  EXPECT_EQ(folder_entries(dir.path()), (std::vector<std::string>{"bank", "bank2"}));
  EXPECT_TRUE(folder_entries(dir / "bank2").empty());
}

TEST(StoreBuilder, RanksShareTheRootsTemporaryFolder) {
  ScratchDir dir;
  const Taxonomy taxonomy = test::default_taxonomy();
  StoreBuilder root(dir / "bank");
  StoreManifest manifest;
  manifest.shards.resize(2);
  {
    StoreBuilder other(dir / "bank", root.temp_dir());
    other.release();
    manifest.shards[0] = other.write(0, test::synthetic_shard(2, 1, taxonomy), taxonomy);
    manifest.shards[1] = other.write(1, test::synthetic_shard(2, 2, taxonomy), taxonomy);
  }
  EXPECT_TRUE(fs::exists(root.temp_dir() / "shard-00001.h5"));  // release(): not removed
  root.commit(manifest);  // root wrote no shard: the taxonomy comes from shard 0's header
  const StoreManifest m = read_manifest(dir / "bank");
  EXPECT_EQ(m.labels, taxonomy.names());
  ASSERT_EQ(m.label_groups.size(), taxonomy.groups().size());
  for (std::size_t g = 0; g < m.label_groups.size(); ++g) {
    EXPECT_EQ(m.label_groups[g].name, taxonomy.groups()[g].name);
    EXPECT_EQ(m.label_groups[g].labels, taxonomy.groups()[g].labels);
  }
  EXPECT_NO_THROW(verify_store(dir / "bank", m));
}

TEST(StoreBuilder, ShardFileNames) {
  EXPECT_EQ(StoreBuilder::shard_file_name(3), "shard-00003.h5");
  EXPECT_EQ(StoreBuilder::shard_file_name(12345), "shard-12345.h5");
}

TEST(Manifest, RoundTripAndStoreChecksum) {
  ScratchDir dir;
  const Taxonomy taxonomy = test::default_taxonomy();
  const StoreManifest a = build_store(dir / "a", taxonomy, 2);
  const StoreManifest b = build_store(dir / "b", taxonomy, 2);
  EXPECT_EQ(a.shards, b.shards);
  EXPECT_EQ(a.store_checksum(), b.store_checksum());
  EXPECT_EQ(test::read_bytes(dir / "a" / "manifest.json"), test::read_bytes(dir / "b" / "manifest.json"));
  const StoreManifest c = build_store(dir / "c", taxonomy, 3);
  EXPECT_NE(a.store_checksum(), c.store_checksum());
  EXPECT_EQ(a.store_checksum().rfind("crc32:", 0), 0u);

  const std::string text = test::read_bytes(dir / "a" / "manifest.json");
  EXPECT_NE(text.find("\"format\": \"finseg-store\""), std::string::npos);
  EXPECT_NE(text.find("\"formatVersion\": 1"), std::string::npos);
  EXPECT_NE(text.find("\"snapshotDate\": \"2026-09-04\""), std::string::npos);
  EXPECT_NE(text.find("\"latestBalanceDate\": \"2026-09-04\""), std::string::npos);
}

TEST(Manifest, EmptyStoreHasNullDates) {
  ScratchDir dir;
  StoreBuilder builder(dir / "empty");
  StoreManifest manifest;
  manifest.shards.push_back(builder.write(0, ShardData{}, Taxonomy{}));
  builder.commit(manifest);
  const StoreManifest m = read_manifest(dir / "empty");
  EXPECT_FALSE(m.snapshot_date);
  EXPECT_FALSE(m.shards[0].first_booking);
  EXPECT_EQ(m.transactions(), 0u);
  EXPECT_NE(test::read_bytes(dir / "empty" / "manifest.json").find("\"snapshotDate\": null"), std::string::npos);
}

class BadManifest : public ::testing::Test {
 protected:
  void SetUp() override {
    build_store(store_, test::default_taxonomy(), 2);
    good_ = test::read_bytes(store_ / "manifest.json");
  }
  // Replaces `from` by `to` in the manifest and returns read_manifest's error message.
  std::string error_after(const std::string& from, const std::string& to) {
    std::string text = good_;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    test::write_bytes(store_ / "manifest.json", text);
    return test::store_error_of([&] { read_manifest(store_); });
  }
  ScratchDir dir_;
  fs::path store_ = dir_ / "bank";
  std::string good_;
};

TEST_F(BadManifest, IsAStoreErrorNamingTheStoreAndTheField) {
  const std::string name = store_.string();
  auto expect = [&](const std::string& message, const std::string& needle) {
    SCOPED_TRACE(needle);
    EXPECT_NE(message.find(name), std::string::npos) << message;
    EXPECT_NE(message.find(needle), std::string::npos) << message;
  };
  expect(error_after("\"formatVersion\": 1", "\"formatVersion\": 2"), "formatVersion");
  expect(error_after("\"finseg-store\"", "\"other\""), "format");
  expect(error_after("{", "["), "not valid JSON");
  expect(error_after("\"shard-00001.h5\"", "\"../shard-00001.h5\""), "shards[1].file");
  expect(error_after("\"shard-00001.h5\"", "\"sub/shard-00001.h5\""), "shards[1].file");
  expect(error_after("\"shard-00001.h5\"", "\"..\""), "shards[1].file");
  expect(error_after("\"shard-00001.h5\"", "\"shard-00000.h5\""), "listed twice");
  expect(error_after("\"users\": ", "\"users\": 1000000, \"x\": "), "totals");
  expect(error_after("\"checksum\": \"crc32:", "\"checksum\": \"md5:"), "checksum");
  expect(error_after("\"snapshotDate\": \"2026-09-04\"", "\"snapshotDate\": \"2026-09-05\""), "snapshotDate");
  expect(error_after("\"snapshotDate\": \"2026-09-04\"", "\"snapshotDate\": \"2026-02-30\""), "snapshotDate");
  expect(error_after("\"createdBy\": \"test\",", ""), "createdBy");
  expect(error_after("\"labels\": [\n    \"INCOME\"", "\"labels\": [\n    \"OTHER\""), "labels");
  fs::remove(store_ / "manifest.json");
  expect(test::store_error_of([&] { read_manifest(store_); }), "manifest.json missing");
  expect(test::store_error_of([&] { read_manifest(store_ / "nope"); }), "no such folder");
}

}  // namespace
}  // namespace finseg
