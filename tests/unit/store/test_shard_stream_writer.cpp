// ShardStreamWriter (store/shard_stream.hpp): the rows of a shard appended one by one, its
// transaction columns spooled to files beyond a budget, give the same file as write_shard of the
// same ShardData, whatever the budget; the spool files go.
#include "store/shard_stream.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace finseg {
namespace {

using test::ScratchDir;

ShardInfo stream(const ShardData& d, const std::filesystem::path& file, const std::filesystem::path& spool_dir,
                 std::uint64_t memory, const Taxonomy& taxonomy, const ShardWriteOptions& options, bool& spooled,
                 ShardStreamWriter::Buffers* keep = nullptr) {
  ShardStreamWriter out(spool_dir, "columns", memory, keep);
  for (std::size_t u = 0; u < d.users(); ++u) {
    out.add_user(d.user_id[u]);
    for (auto a = static_cast<std::size_t>(d.user_account_offsets[u]); a < static_cast<std::size_t>(d.user_account_offsets[u + 1]); ++a) {
      out.add_account(d.account_id[a], d.account_type[a], d.currency[a], d.balance[a], d.balance_date[a]);
      for (auto t = static_cast<std::size_t>(d.account_txn_offsets[a]); t < static_cast<std::size_t>(d.account_txn_offsets[a + 1]); ++t)
        out.add_transaction(d.transaction_id[t], d.booking_date[t], d.amount[t], d.labels[t], d.counterpart_name[t],
                            d.counterpart_iban[t], d.purpose[t]);
    }
  }
  spooled = out.spooled();
  return write_shard(file, out, taxonomy, options);
}

TEST(ShardStreamWriter, TheSameFileAsWriteShardWhateverTheBudget) {
  ScratchDir dir;
  const Taxonomy taxonomy = test::default_taxonomy();
  ShardWriteOptions options;
  options.chunk_elements = 300;  // many chunks and slabs per dataset
  for (const ShardData& data : {test::synthetic_shard(40, 5, taxonomy), test::synthetic_shard(3, 6, taxonomy), ShardData{}}) {
    ShardInfo want = write_shard(dir / "memory.h5", data, taxonomy, options);
    want.file = "streamed.h5";
    for (const std::uint64_t memory : {std::uint64_t{1}, std::uint64_t{5000}, std::uint64_t{1} << 30}) {
      std::filesystem::create_directories(dir / "spool");
      bool spooled = false;
      const ShardInfo got = stream(data, dir / "streamed.h5", dir / "spool", memory, taxonomy, options, spooled);
      EXPECT_EQ(got, want) << "memory " << memory << ", " << data.transactions() << " transactions";
      EXPECT_TRUE(test::read_bytes(dir / "streamed.h5") == test::read_bytes(dir / "memory.h5")) << "memory " << memory;
      EXPECT_EQ(spooled, memory < (std::uint64_t{1} << 30) && data.transactions() > 0) << "memory " << memory;
      EXPECT_TRUE(std::filesystem::is_empty(dir / "spool")) << "spool files left";
      std::filesystem::remove(dir / "streamed.h5");
    }
    std::filesystem::remove(dir / "memory.h5");
  }
}

// The shards of a rank hand their column buffers on (import_shards.cpp): a writer that starts
// from the buffers of a larger, a smaller or an empty shard, spooled or not, writes the same file.
TEST(ShardStreamWriter, BuffersHandedOnFromShardToShardWriteTheSameFiles) {
  ScratchDir dir;
  std::filesystem::create_directories(dir / "spool");
  const Taxonomy taxonomy = test::default_taxonomy();
  ShardWriteOptions options;
  options.chunk_elements = 300;
  const std::vector<ShardData> shards = {test::synthetic_shard(40, 5, taxonomy), test::synthetic_shard(3, 6, taxonomy), ShardData{},
                                         test::synthetic_shard(25, 7, taxonomy), test::synthetic_shard(60, 3, taxonomy)};
  for (const std::uint64_t memory : {std::uint64_t{5000}, std::uint64_t{1} << 30}) {
    ShardStreamWriter::Buffers keep;
    for (std::size_t k = 0; k < shards.size(); ++k) {
      ShardInfo want = write_shard(dir / "memory.h5", shards[k], taxonomy, options);
      want.file = "streamed.h5";
      bool spooled = false;
      const ShardInfo got = stream(shards[k], dir / "streamed.h5", dir / "spool", memory, taxonomy, options, spooled, &keep);
      EXPECT_EQ(got, want) << "shard " << k << ", memory " << memory;
      EXPECT_TRUE(test::read_bytes(dir / "streamed.h5") == test::read_bytes(dir / "memory.h5")) << "shard " << k << ", memory " << memory;
      EXPECT_TRUE(std::filesystem::is_empty(dir / "spool")) << "spool files left";
      std::filesystem::remove(dir / "streamed.h5");
      std::filesystem::remove(dir / "memory.h5");
    }
  }
}

TEST(ShardStreamWriter, RowsThatBreakTheShardAreABugOfTheCaller) {
  ScratchDir dir;
  ShardStreamWriter out(dir.path(), "columns", 1000);
  EXPECT_THROW(out.add_transaction("t", 1, 1, 0, "", "", ""), std::logic_error);  // before any account
  out.add_user("u");
  out.add_account("a", AccountType::checking, {'E', 'U', 'R'}, 0, 10);
  out.add_transaction("t", 1, 1, LabelSet{1} << 40, "", "", "");
  EXPECT_THROW(write_shard(dir / "bad.h5", out, test::default_taxonomy()), std::logic_error);  // label beyond the taxonomy
  EXPECT_FALSE(std::filesystem::exists(dir / "bad.h5"));
}

}  // namespace
}  // namespace finseg
