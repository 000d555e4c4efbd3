// write_shard / read_shard: round trips, byte-identical rewrites, column subsets, ShardInfo.
#include "core/errors.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace finseg {
namespace {

using test::ScratchDir;

ShardData write_and_read(const ScratchDir& dir, const ShardData& data, const Taxonomy& taxonomy,
                         const ShardWriteOptions& options = {}, const std::string& name = "shard-00000.h5") {
  const ShardInfo info = write_shard(dir / name, data, taxonomy, options);
  return read_shard(dir.path(), info);
}

TEST(ShardRoundTrip, HandBuiltShardWithEveryAwkwardValue) {
  ScratchDir dir;
  const ShardData data = test::hand_built_shard();
  EXPECT_EQ(write_and_read(dir, data, test::full_taxonomy()), data);
}

TEST(ShardRoundTrip, EmptyShard) {
  ScratchDir dir;
  const ShardData empty;
  const ShardInfo info = write_shard(dir / "empty.h5", empty, test::default_taxonomy());
  EXPECT_EQ(info.users, 0u);
  EXPECT_EQ(info.transactions, 0u);
  EXPECT_FALSE(info.first_booking);
  EXPECT_FALSE(info.last_booking);
  EXPECT_FALSE(info.latest_balance_date);
  EXPECT_EQ(read_shard(dir.path(), info), empty);
}

TEST(ShardRoundTrip, UsersWithoutTransactions) {
  ScratchDir dir;
  ShardData data;
  data.add_user("u1");
  data.add_account("a1", AccountType::savings, test::cur("EUR"), 5, 100);
  const ShardInfo info = write_shard(dir / "s.h5", data, Taxonomy{});
  EXPECT_FALSE(info.first_booking);
  EXPECT_EQ(info.latest_balance_date, 100);
  EXPECT_EQ(read_shard(dir.path(), info), data);
}

TEST(ShardRoundTrip, EveryFilterAndManyChunks) {
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData data = test::synthetic_shard(20, 7, taxonomy);
  ASSERT_GT(data.transactions(), 2000u);
  using F = ShardWriteOptions::Filter;
  for (const F filter : {F::none, F::deflate, F::shuffle_deflate, F::szip, F::lz4, F::shuffle_lz4}) {
    // Chunk 1 only on the small shards: thousands of one-element chunks are slow to no purpose.
    for (const std::uint64_t chunk : {std::uint64_t{1}, std::uint64_t{97}, std::uint64_t{1} << 20}) {
      SCOPED_TRACE("filter " + std::to_string(static_cast<int>(filter)) + ", chunk " + std::to_string(chunk));
      ScratchDir dir;
      ShardWriteOptions options;
      options.filter = filter;
      options.chunk_elements = chunk;
      if (chunk > 1) {
        EXPECT_EQ(write_and_read(dir, data, taxonomy, options), data);
      }
      EXPECT_EQ(write_and_read(dir, test::hand_built_shard(), test::full_taxonomy(), options, "b.h5"),
                test::hand_built_shard());
      EXPECT_EQ(write_and_read(dir, ShardData{}, taxonomy, options, "c.h5"), ShardData{});
    }
  }
}

TEST(ShardRoundTrip, IdenticalDataGivesByteIdenticalFiles) {
  ScratchDir dir;
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData data = test::synthetic_shard(10, 3, taxonomy);
  ShardWriteOptions options;
  options.chunk_elements = 500;  // several chunks per dataset
  const ShardInfo a = write_shard(dir / "a.h5", data, taxonomy, options);
  // Different heap history in between, to expose uninitialised bytes in the file.
  write_shard(dir / "other.h5", test::hand_built_shard(), test::full_taxonomy(), options);
  const ShardInfo b = write_shard(dir / "b.h5", data, taxonomy, options);
  EXPECT_EQ(a.checksum, b.checksum);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_TRUE(test::read_bytes(dir / "a.h5") == test::read_bytes(dir / "b.h5"));
  const ShardInfo e1 = write_shard(dir / "e1.h5", ShardData{}, taxonomy);
  const ShardInfo e2 = write_shard(dir / "e2.h5", ShardData{}, taxonomy);
  EXPECT_EQ(e1.checksum, e2.checksum);
}

// Every filter chain writes the same bytes for the same data, and reads it back equal.
TEST(ShardRoundTrip, EveryFilterIsByteIdenticalForIdenticalData) {
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData data = test::synthetic_shard(12, 9, taxonomy);
  using F = ShardWriteOptions::Filter;
  struct Chain {
    F filter;
    int lz4_level;
    int text_lz4_level = 1;
  };
  for (const Chain chain : {Chain{F::none, 1}, Chain{F::shuffle_deflate, 1}, Chain{F::lz4, 1}, Chain{F::shuffle_lz4, 1},
                            Chain{F::lz4, 4}, Chain{F::shuffle_lz4, 4}, Chain{F::shuffle_lz4, 4, 4},
                            Chain{F::shuffle_lz4, 12, 12}}) {
    SCOPED_TRACE("filter " + std::to_string(static_cast<int>(chain.filter)) + ", lz4 level " +
                 std::to_string(chain.lz4_level));
    ScratchDir dir;
    ShardWriteOptions options;
    options.filter = chain.filter;
    options.lz4_level = chain.lz4_level;
    options.text_lz4_level = chain.text_lz4_level;
    options.chunk_elements = 700;
    const ShardInfo a = write_shard(dir / "a.h5", data, taxonomy, options);
    write_shard(dir / "other.h5", test::hand_built_shard(), test::full_taxonomy(), options);
    const ShardInfo b = write_shard(dir / "b.h5", data, taxonomy, options);
    EXPECT_EQ(a.checksum, b.checksum);
    EXPECT_TRUE(test::read_bytes(dir / "a.h5") == test::read_bytes(dir / "b.h5"));
    EXPECT_EQ(read_shard(dir.path(), a), data);
    EXPECT_EQ(read_shard(dir.path(), b, kAllColumns, true), data);
  }
}

// finseg applies the filter chains none, lz4 and shuffle-lz4 itself and hands HDF5 the stored
// chunks (H5Dwrite_chunk): the files are those HDF5's own pipeline writes, byte for byte, with
// partial last chunks, one-element chunks, a single chunk, empty datasets and both object formats.
TEST(ShardRoundTrip, OwnChunkFiltersWriteWhatHdf5sPipelineWrites) {
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData data = test::synthetic_shard(12, 9, taxonomy);
  using F = ShardWriteOptions::Filter;
  struct Case {
    F filter;
    int lz4_level;
    int text_lz4_level;
    std::uint64_t chunk;
    ShardWriteOptions::Hdf5Format format = ShardWriteOptions::Hdf5Format::v110;
  };
  for (const Case c : {Case{F::none, 1, 1, 700}, Case{F::lz4, 1, 1, 97}, Case{F::shuffle_lz4, 4, 1, 700},
                       Case{F::shuffle_lz4, 4, 1, kDefaultChunkElements}, Case{F::shuffle_lz4, 12, 12, 1},
                       Case{F::shuffle_lz4, 4, 1, std::uint64_t{1} << 20},
                       Case{F::shuffle_lz4, 4, 1, 700, ShardWriteOptions::Hdf5Format::v18}}) {
    SCOPED_TRACE("filter " + std::to_string(static_cast<int>(c.filter)) + ", chunk " + std::to_string(c.chunk));
    ScratchDir dir;
    ShardWriteOptions options;
    options.filter = c.filter;
    options.lz4_level = c.lz4_level;
    options.text_lz4_level = c.text_lz4_level;
    options.chunk_elements = c.chunk;
    options.hdf5_format = c.format;
    ShardWriteOptions pipeline = options;
    pipeline.hdf5_pipeline = true;
    const auto same = [&](const ShardData& d, const Taxonomy& t, const std::string& name) {
      const ShardInfo own = write_shard(dir / (name + "-own.h5"), d, t, options);
      const ShardInfo hdf5 = write_shard(dir / (name + "-hdf5.h5"), d, t, pipeline);
      EXPECT_EQ(own.checksum, hdf5.checksum) << name;
      EXPECT_TRUE(test::read_bytes(dir / (name + "-own.h5")) == test::read_bytes(dir / (name + "-hdf5.h5"))) << name;
      EXPECT_EQ(read_shard(dir.path(), own), d) << name;
    };
    if (c.chunk > 1) same(data, taxonomy, "synthetic");  // one-element chunks only on the small shards
    same(test::hand_built_shard(), test::full_taxonomy(), "hand");
    same(ShardData{}, taxonomy, "empty");
  }
}

// Stores written before the 1.10 format (HDF5 1.8 objects, v1 B-tree chunk index) still read.
TEST(ShardRoundTrip, ReadsShardsInTheHdf5_1_8Format) {
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData data = test::synthetic_shard(6, 4, taxonomy);
  for (const auto filter : {ShardWriteOptions::Filter::shuffle_deflate, ShardWriteOptions::Filter::lz4}) {
    ScratchDir dir;
    ShardWriteOptions old;
    old.hdf5_format = ShardWriteOptions::Hdf5Format::v18;
    old.filter = filter;
    old.chunk_elements = 500;
    const ShardInfo a = write_shard(dir / "old.h5", data, taxonomy, old);
    ShardWriteOptions now = old;
    now.hdf5_format = ShardWriteOptions::Hdf5Format::v110;
    const ShardInfo b = write_shard(dir / "new.h5", data, taxonomy, now);
    EXPECT_NE(a.checksum, b.checksum);  // the formats do differ
    EXPECT_EQ(read_shard(dir.path(), a), data);
    EXPECT_EQ(read_shard(dir.path(), a, kAmount | kLabels, true).amount, data.amount);
    EXPECT_EQ(read_shard(dir.path(), b), data);
  }
}

// Shards of format 1 (the counterpart names as a plain column, before the dictionary) still read,
// whatever is asked of the names; format 2 files differ from them and read the same.
TEST(ShardRoundTrip, ReadsShardsOfFormat1) {
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData data = test::synthetic_shard(6, 4, taxonomy);
  ScratchDir dir;
  ShardWriteOptions old;
  old.names_dictionary = false;
  old.chunk_elements = 500;
  const ShardInfo a = write_shard(dir / "old.h5", data, taxonomy, old);
  ShardWriteOptions now = old;
  now.names_dictionary = true;
  const ShardInfo b = write_shard(dir / "new.h5", data, taxonomy, now);
  EXPECT_NE(a.checksum, b.checksum);
  for (const ShardInfo& info : {a, b}) {
    EXPECT_EQ(read_shard(dir.path(), info), data);
    EXPECT_EQ(read_shard(dir.path(), info, kAllColumns, true), data);
    const ShardData names = read_shard(dir.path(), info, kCounterpartNameIds);
    EXPECT_EQ(names.counterpart_names_by_id, info.file == b.file);
    for (std::size_t t = 0; t < data.transactions(); ++t)
      ASSERT_EQ(names.counterpart_name_of(t), data.counterpart_name[t]) << t;
  }
  const auto locations = shard_chunk_locations(dir.path(), a);
  EXPECT_TRUE(std::any_of(locations.begin(), locations.end(),
                          [](const ChunkLocation& c) { return c.dataset == "/transactions/counterpart_name_bytes"; }));
  // The dictionary holds each distinct name once, in order of first use.
  const ShardData by_id = read_shard(dir.path(), b, kCounterpartNameIds);
  ASSERT_FALSE(by_id.counterpart_name_dict.empty());
  EXPECT_EQ(by_id.counterpart_name_dict[0], data.counterpart_name[0]);
  EXPECT_LT(by_id.counterpart_name_dict.size(), data.transactions() / 4);
  for (std::size_t i = 0; i < by_id.counterpart_name_dict.size(); ++i)
    for (std::size_t k = 0; k < i; ++k) ASSERT_NE(by_id.counterpart_name_dict[i], by_id.counterpart_name_dict[k]);
}

TEST(ShardRoundTrip, ShardInfoDescribesTheFile) {
  ScratchDir dir;
  const ShardData data = test::hand_built_shard();
  const ShardInfo info = write_shard(dir / "shard-00007.h5", data, test::full_taxonomy());
  EXPECT_EQ(info.file, "shard-00007.h5");
  EXPECT_EQ(info.users, 3u);
  EXPECT_EQ(info.accounts, 10u);
  EXPECT_EQ(info.transactions, 4u);
  EXPECT_EQ(info.bytes, std::filesystem::file_size(dir / "shard-00007.h5"));
  EXPECT_EQ(info.checksum.size(), 14u);
  EXPECT_EQ(info.checksum.rfind("crc32:", 0), 0u);
  EXPECT_EQ(info.first_booking, -719'468);
  EXPECT_EQ(info.last_booking, 19'001);
  EXPECT_EQ(info.latest_balance_date, 20'000);
}

TEST(ShardRoundTrip, ReadsOnlyTheRequestedColumns) {
  ScratchDir dir;
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData data = test::synthetic_shard(5, 11, taxonomy);
  const ShardInfo info = write_shard(dir / "s.h5", data, taxonomy);

  const ShardData scan = read_shard(dir.path(), info, kBookingDate | kAmount);
  EXPECT_EQ(scan.user_account_offsets, data.user_account_offsets);
  EXPECT_EQ(scan.account_txn_offsets, data.account_txn_offsets);
  EXPECT_EQ(scan.booking_date, data.booking_date);
  EXPECT_EQ(scan.amount, data.amount);
  EXPECT_TRUE(scan.labels.empty());
  EXPECT_TRUE(scan.user_id.empty());
  EXPECT_TRUE(scan.purpose.empty());
  EXPECT_TRUE(scan.balance.empty());

  const ShardData meta = read_shard(dir.path(), info, kAccountMeta | kAccountIds | kLabels | kCounterpartName);
  EXPECT_EQ(meta.account_id, data.account_id);
  EXPECT_EQ(meta.account_type, data.account_type);
  EXPECT_EQ(meta.currency, data.currency);
  EXPECT_EQ(meta.balance, data.balance);
  EXPECT_EQ(meta.balance_date, data.balance_date);
  EXPECT_EQ(meta.labels, data.labels);
  EXPECT_EQ(meta.counterpart_name, data.counterpart_name);
  EXPECT_TRUE(meta.booking_date.empty());
  EXPECT_TRUE(meta.counterpart_iban.empty());

  const ShardData offsets_only = read_shard(dir.path(), info, 0);
  EXPECT_EQ(offsets_only.account_txn_offsets, data.account_txn_offsets);
  EXPECT_TRUE(offsets_only.account_id.empty());
}

// A run reads every shard into the same ShardData: whatever the previous shard left in it (a
// larger shard, other columns), the result is what a fresh read gives.
TEST(ShardRoundTrip, ReadingIntoAReusedShardDataEqualsAFreshRead) {
  ScratchDir dir;
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData large = test::synthetic_shard(30, 3, taxonomy);
  const ShardData small = test::synthetic_shard(4, 5, taxonomy);
  ASSERT_GT(large.transactions(), small.transactions());
  const ShardInfo large_info = write_shard(dir / "shard-00000.h5", large, taxonomy);
  const ShardInfo small_info = write_shard(dir / "shard-00001.h5", small, taxonomy);
  const std::vector<LabelGroup>& groups = taxonomy.groups();
  ShardData reused;
  read_shard(dir.path(), groups, large_info, kAllColumns, false, reused);
  EXPECT_EQ(reused, large);
  read_shard(dir.path(), groups, small_info, kAllColumns, false, reused);
  EXPECT_EQ(reused, small);
  const ColumnSet some = kUserIds | kBookingDate | kAmount | kCounterpartName;
  read_shard(dir.path(), groups, large_info, some, false, reused);
  EXPECT_EQ(reused, read_shard(dir.path(), groups, large_info, some));
  EXPECT_TRUE(reused.purpose.empty());
  EXPECT_TRUE(reused.balance.empty());
  EXPECT_TRUE(reused.labels.empty());
  read_shard(dir.path(), groups, small_info, kAllColumns, false, reused);
  EXPECT_EQ(reused, small);
}

TEST(ShardWrite, RefusesInconsistentData) {
  ScratchDir dir;
  ShardData data = test::hand_built_shard();
  data.amount.pop_back();
  EXPECT_THROW(write_shard(dir / "s.h5", data, test::full_taxonomy()), std::logic_error);
  EXPECT_FALSE(std::filesystem::exists(dir / "s.h5"));

  ShardData labels;
  labels.add_user("u");
  labels.add_account("a", AccountType::checking, test::cur("EUR"), 0, 0);
  labels.add_transaction("t", 0, 1, LabelSet{1} << 40, "", "", "");  // the default taxonomy has 40 names
  EXPECT_THROW(write_shard(dir / "s.h5", labels, test::default_taxonomy()), std::logic_error);
}

TEST(ShardWrite, TheDefaultIsShuffleLz4AndLevelsAreChecked) {
  const ShardWriteOptions defaults;
  EXPECT_EQ(defaults.filter, ShardWriteOptions::Filter::shuffle_lz4);
  EXPECT_EQ(defaults.lz4_level, 1);
  EXPECT_EQ(defaults.text_lz4_level, 1);
  ScratchDir dir;
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData data = test::synthetic_shard(10, 1, taxonomy);
  ShardWriteOptions numeric_hc;  // --compression shuffle-lz4hc-numeric
  numeric_hc.lz4_level = kDefaultLz4HcLevel;
  ShardWriteOptions all_hc;  // --compression shuffle-lz4hc
  all_hc.lz4_level = kDefaultLz4HcLevel;
  all_hc.text_lz4_level = kDefaultLz4HcLevel;
  // LZ4HC writes a smaller file that reads back the same; LZ4HC on the numbers alone sits between.
  const ShardInfo plain = write_shard(dir / "fast.h5", data, taxonomy);
  const ShardInfo mixed = write_shard(dir / "mixed.h5", data, taxonomy, numeric_hc);
  const ShardInfo hc = write_shard(dir / "hc.h5", data, taxonomy, all_hc);
  EXPECT_LT(hc.bytes, mixed.bytes);
  EXPECT_LT(mixed.bytes, plain.bytes);
  EXPECT_EQ(read_shard(dir.path(), hc), data);
  EXPECT_EQ(read_shard(dir.path(), mixed), data);
  EXPECT_EQ(read_shard(dir.path(), plain), data);
  for (const int bad : {0, 2, 13}) {
    ShardWriteOptions wrong;
    wrong.lz4_level = bad;
    EXPECT_THROW(write_shard(dir / "bad.h5", data, taxonomy, wrong), IoError);
    EXPECT_FALSE(std::filesystem::exists(dir / "bad.h5"));
    ShardWriteOptions wrong_text;
    wrong_text.text_lz4_level = bad;
    EXPECT_THROW(write_shard(dir / "bad.h5", data, taxonomy, wrong_text), IoError);
    EXPECT_FALSE(std::filesystem::exists(dir / "bad.h5"));
  }
}

TEST(ShardWrite, NeverOverwritesAFile) {
  ScratchDir dir;
  test::write_bytes(dir / "s.h5", "precious");
  EXPECT_THROW(write_shard(dir / "s.h5", ShardData{}, Taxonomy{}), IoError);
  EXPECT_EQ(test::read_bytes(dir / "s.h5"), "precious");
}

TEST(ShardWrite, HdfFailureIsAnIoErrorNamingTheFile) {
  ScratchDir dir;
  const auto file = dir / "no-such-folder" / "s.h5";
  try {
    write_shard(file, ShardData{}, Taxonomy{});
    FAIL() << "no exception";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("HDF5:"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace finseg
