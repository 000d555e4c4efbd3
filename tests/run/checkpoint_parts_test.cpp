// The checkpoint with a run's split units (run/segment_scan.hpp: users [b, e) of a shard, a file
// each): a shard counts as done when its whole file or parts that tile its users exactly are
// there; parts that do not cover it are removed (the rerun may split it otherwise) and so is a
// damaged whole file beside complete parts, so the merge never sees a user twice; the merge takes
// the whole file, or else every part.
#include "run/checkpoint.hpp"

#include "core/errors.hpp"

#include "run_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace finseg {
namespace {

using testing::run_world;
namespace fs = std::filesystem;

// Users [b, e) of a shard as one job's partial: user ids "u<k>" (zero-padded: byte order).
std::vector<SegmentPartial> partial_of(std::uint64_t b, std::uint64_t e) {
  SegmentPartial p;
  for (std::uint64_t u = b; u < e; ++u) {
    char id[16];
    std::snprintf(id, sizeof id, "u%04llu", static_cast<unsigned long long>(u));
    p.append_user(id, std::string("{\"userId\":\"") + id + "\"}");
  }
  return {p};
}

std::vector<ShardInfo> two_shards() {
  std::vector<ShardInfo> shards(2);
  shards[0].file = "shard-00000.h5", shards[0].users = 10, shards[0].checksum = "crc32:00000001";
  shards[1].file = "shard-00001.h5", shards[1].users = 8, shards[1].checksum = "crc32:00000002";
  return shards;
}

std::size_t files_in(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}));
}

TEST(CheckpointParts, PartsThatTileAShardResumeItTheRestIsRecomputed) {
  testing::SharedTempDirOn tmp(run_world());  // every rank (collective); the files are one process's
  if (!run_world().is_root()) return;
  const auto shards = two_shards();
  const Checkpoint cp(tmp.path(), "0123456789abcdef");
  // Shard 0 in three parts, all there; shard 1: two of its parts (users 4..8 missing).
  cp.save(0, {0, 3}, shards[0], partial_of(0, 3));
  cp.save(0, {3, 7}, shards[0], partial_of(3, 7));
  cp.save(0, {7, 10}, shards[0], partial_of(7, 10));
  cp.save(1, {0, 2}, shards[1], partial_of(0, 2));
  cp.save(1, {2, 4}, shards[1], partial_of(2, 4));
  EXPECT_TRUE(fs::exists(cp.part_file(0, {3, 7})));
  EXPECT_FALSE(fs::exists(cp.shard_file(0)));
  EXPECT_EQ(cp.load(shards, 1), std::vector<int>{0});
  EXPECT_FALSE(fs::exists(cp.part_file(1, {0, 2}))) << "parts that do not cover their shard are removed";
  EXPECT_EQ(files_in(cp.dir()), 3u);
  // Shard 1 recomputed whole (as at np=1): the merge takes shard 0's parts and shard 1's file.
  cp.save(1, {}, shards[1], partial_of(0, 8));
  const auto files = cp.finished_files(shards, 1);
  ASSERT_EQ(files.size(), 4u);
  std::uint64_t users = 0;
  for (const auto& f : files) users += f.header.jobs[0].totals.users;
  EXPECT_EQ(users, 18u) << "every user once";
}

TEST(CheckpointParts, AWholeFileWinsADamagedOneGoesBesideCompleteParts) {
  testing::SharedTempDirOn tmp(run_world());
  if (!run_world().is_root()) return;
  const auto shards = two_shards();
  const Checkpoint cp(tmp.path(), "0123456789abcdef");
  // Shard 0: whole file and a stale part (a run killed between two writes of another split).
  cp.save(0, {}, shards[0], partial_of(0, 10));
  cp.save(0, {0, 5}, shards[0], partial_of(0, 5));
  // Shard 1: complete parts and a damaged whole file.
  cp.save(1, {0, 4}, shards[1], partial_of(0, 4));
  cp.save(1, {4, 8}, shards[1], partial_of(4, 8));
  cp.save(1, {}, shards[1], partial_of(0, 8));
  {
    std::FILE* f = std::fopen(cp.shard_file(1).c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    std::fseek(f, 40, SEEK_SET);
    std::fputs("XXXX", f);
    std::fclose(f);
  }
  EXPECT_EQ(cp.load(shards, 1), (std::vector<int>{0, 1}));
  EXPECT_FALSE(fs::exists(cp.part_file(0, {0, 5})));
  EXPECT_FALSE(fs::exists(cp.shard_file(1)));
  const auto files = cp.finished_files(shards, 1);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].file, cp.shard_file(0));
  EXPECT_EQ(files[1].file, cp.part_file(1, {0, 4}));
  EXPECT_EQ(files[2].file, cp.part_file(1, {4, 8}));
}

TEST(CheckpointParts, TheMergeRefusesAShardNeitherWholeNorTiled) {
  testing::SharedTempDirOn tmp(run_world());
  if (!run_world().is_root()) return;
  const auto shards = two_shards();
  const Checkpoint cp(tmp.path(), "0123456789abcdef");
  cp.save(0, {}, shards[0], partial_of(0, 10));
  cp.save(1, {0, 3}, shards[1], partial_of(0, 3));
  cp.save(1, {4, 8}, shards[1], partial_of(4, 8));  // users 3..4 missing
  try {
    cp.finished_files(shards, 1);
    FAIL() << "no IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("shard-00001.part"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace finseg
