// The checkpoint with a run's split units (run/segment_scan.hpp: users [b, e) of a shard, a file
// each): a shard counts as done when its whole file or parts that tile its users exactly are
// there; parts that do not cover it are removed (the rerun may split it otherwise) and so is a
// damaged whole file beside complete parts, so the merge never sees a user twice; the merge takes
// the whole file, or else every part.
#include "run/checkpoint.hpp"

#include "core/errors.hpp"
#include "parallel/wire.hpp"

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

// What the merge gets from the ranks instead of reading the folder (Checkpoint::merge_order over
// the files save() returned, after a trip over the wire): finished_files' files in its order,
// with the headers read_partial_header reads, body_offset too.
bool same_header(const PartialFileHeader& a, const PartialFileHeader& b) {
  if (a.run_key != b.run_key || a.shard != b.shard || a.shard_checksum != b.shard_checksum || a.body_offset != b.body_offset ||
      a.jobs.size() != b.jobs.size())
    return false;
  for (std::size_t j = 0; j < a.jobs.size(); ++j) {
    const auto &x = a.jobs[j], &y = b.jobs[j];
    if (x.totals.users != y.totals.users || x.totals.entries != y.totals.entries || x.offset != y.offset || x.bytes != y.bytes ||
        x.json_bytes != y.json_bytes || x.first_user != y.first_user || x.last_user != y.last_user)
      return false;
  }
  return true;
}

TEST(CheckpointParts, TheSavedFilesGiveTheMergeWhatTheFolderGives) {
  testing::SharedTempDirOn tmp(run_world());
  if (!run_world().is_root()) return;
  const auto shards = two_shards();
  const Checkpoint cp(tmp.path(), "0123456789abcdef");
  // As two ranks would save them: out of order, shard 1 in parts.
  std::vector<SavedFile> saved{cp.save(1, {4, 8}, shards[1], partial_of(4, 8)), cp.save(0, {}, shards[0], partial_of(0, 10)),
                               cp.save(1, {0, 4}, shards[1], partial_of(0, 4))};
  saved = from_bytes<std::vector<SavedFile>>(to_bytes(saved));
  const auto from_ranks = Checkpoint::merge_order(saved, shards);
  const auto from_folder = cp.finished_files(shards, 1);
  ASSERT_EQ(from_ranks.size(), from_folder.size());
  for (std::size_t i = 0; i < from_ranks.size(); ++i) {
    EXPECT_EQ(from_ranks[i].file, from_folder[i].file);
    EXPECT_TRUE(same_header(from_ranks[i].header, from_folder[i].header)) << from_ranks[i].file;
  }
  // A resumed run's share read from the folder is the same again.
  const auto read_back = cp.saved_files(shards, 1, {1});
  ASSERT_EQ(read_back.size(), 2u);
  EXPECT_EQ(read_back[1].users, (ShardUsers{4, 8}));
  EXPECT_TRUE(same_header(read_back[1].ref.header, saved[0].ref.header));
}

TEST(CheckpointParts, TheMergeOrderRefusesAShardMissingOrTwice) {
  testing::SharedTempDirOn tmp(run_world());
  if (!run_world().is_root()) return;
  const auto shards = two_shards();
  const Checkpoint cp(tmp.path(), "0123456789abcdef");
  const SavedFile whole0 = cp.save(0, {}, shards[0], partial_of(0, 10)), part0 = cp.save(0, {0, 5}, shards[0], partial_of(0, 5));
  const SavedFile a = cp.save(1, {0, 3}, shards[1], partial_of(0, 3)), b = cp.save(1, {4, 8}, shards[1], partial_of(4, 8));
  const SavedFile whole1 = cp.save(1, {}, shards[1], partial_of(0, 8));
  EXPECT_NO_THROW(Checkpoint::merge_order({whole0, whole1}, shards));
  EXPECT_THROW(Checkpoint::merge_order({whole0}, shards), IoError) << "shard 1 missing";
  EXPECT_THROW(Checkpoint::merge_order({whole0, a, b}, shards), IoError) << "users 3..4 of shard 1 missing";
  EXPECT_THROW(Checkpoint::merge_order({whole0, part0, whole1}, shards), IoError) << "users of shard 0 twice";
  EXPECT_THROW(Checkpoint::merge_order({whole0, whole1, whole1}, shards), IoError) << "shard 1 twice";
}

}  // namespace
}  // namespace finseg
