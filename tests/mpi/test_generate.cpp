// The generator under mpirun: each rank writes its own shards, and the store is byte-identical
// to the one a single process writes, whatever the number of ranks.
#include "app/commands.hpp"
#include "core/errors.hpp"
#include "store/store.hpp"
#include "mpi_fixture.hpp"

#include <gtest/gtest.h>

using namespace finseg;
using finseg::testing::SharedTempDir;
using finseg::testing::slurp;
using finseg::testing::world;

TEST(GenerateMpi, StoreIsIdenticalForAnyNumberOfRanks) {
  SharedTempDir tmp;
  const auto parallel = tmp.path() / "parallel";
  const auto serial = tmp.path() / "serial";
  const CommandArgs common = {"--users", "300", "--months", "14", "--seed", "7", "--shards", "5"};
  CommandArgs args = common;
  args.insert(args.end(), {"--out", parallel.string()});
  ASSERT_EQ(cmd_generate(world(), args), 0);
  if (world().is_root()) {
    auto local = make_local_communicator();
    CommandArgs serial_args = common;
    serial_args.insert(serial_args.end(), {"--out", serial.string()});
    ASSERT_EQ(cmd_generate(*local, serial_args), 0);
    const auto a = read_manifest(parallel);
    const auto b = read_manifest(serial);
    ASSERT_EQ(a.shards.size(), 5u);
    EXPECT_EQ(a.shards, b.shards);
    EXPECT_EQ(a.users(), 300u);
    EXPECT_GT(a.transactions(), 300u * 13u * 20u);
    for (const auto& s : a.shards) EXPECT_EQ(slurp(parallel / s.file), slurp(serial / s.file)) << s.file;
    EXPECT_EQ(a.store_checksum(), b.store_checksum());
    EXPECT_FALSE(std::filesystem::exists(parallel.string() + ".tmp")) << "no temporary folder is left";
  }
  world().barrier();
}

TEST(GenerateMpi, RefusesToOverwriteAStoreOnEveryRank) {
  SharedTempDir tmp;
  const auto out = tmp.path() / "bank";
  const CommandArgs args = {"--users", "20", "--months", "3", "--shards", "3", "--out", out.string()};
  ASSERT_EQ(cmd_generate(world(), args), 0);
  EXPECT_THROW(cmd_generate(world(), args), Error);
}
