// fsync_paths and write_files_atomic (io/atomic_file.hpp) syncs many files at once, each in its own thread; an error of
// any of them reaches the caller as the IoError of that path, after every thread has ended.
#include "core/errors.hpp"
#include "io/atomic_file.hpp"

#include "results_test_support.hpp"

#include <gtest/gtest.h>

namespace finseg {
namespace {

TEST(FsyncPaths, SyncsFilesAndFoldersAtOnce) {
  TempDir tmp("finseg-fsync-");
  std::vector<std::filesystem::path> paths{tmp.path};
  for (int i = 0; i < 8; ++i) {
    paths.push_back(tmp.path / ("f" + std::to_string(i)));
    write_file_atomic(paths.back(), "x", Sync::no_fsync);
  }
  EXPECT_NO_THROW(fsync_paths(paths));
  EXPECT_NO_THROW(fsync_paths({}));
  EXPECT_NO_THROW(fsync_paths({paths[1]}));
}

TEST(FsyncPaths, AMissingFileIsAnIoErrorNamingIt) {
  TempDir tmp("finseg-fsync-");
  write_file_atomic(tmp.path / "there", "x", Sync::no_fsync);
  for (const auto& paths : {std::vector<std::filesystem::path>{tmp.path / "there", tmp.path / "gone"},
                            std::vector<std::filesystem::path>{tmp.path / "gone"}}) {
    try {
      fsync_paths(paths);
      FAIL() << "no error";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find("gone"), std::string::npos) << e.what();
    }
  }
}

// write_files_atomic: every file whole in place (new or replaced), nothing aside left.
TEST(WriteFilesAtomic, WritesEveryFileWholeAndLeavesNoTemporary) {
  TempDir tmp("finseg-atomic-");
  std::filesystem::create_directory(tmp.path / "sub");
  write_file_atomic(tmp.path / "a.json", "old", Sync::no_fsync);
  write_files_atomic({{tmp.path / "a.json", "new a"}, {tmp.path / "b.json", "b"}, {tmp.path / "sub" / "c.json", ""}});
  EXPECT_EQ(read_file(tmp.path / "a.json"), "new a");
  EXPECT_EQ(read_file(tmp.path / "b.json"), "b");
  EXPECT_EQ(read_file(tmp.path / "sub" / "c.json"), "");
  std::size_t entries = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(tmp.path)) entries += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(entries, 3u) << "no temporary file left";
  EXPECT_NO_THROW(write_files_atomic({}));
}

TEST(WriteFilesAtomic, AFileThatCannotBeWrittenIsAnIoErrorAndNoneIsReplaced) {
  TempDir tmp("finseg-atomic-");
  write_file_atomic(tmp.path / "a.json", "old", Sync::no_fsync);
  try {
    write_files_atomic({{tmp.path / "a.json", "new"}, {tmp.path / "missing" / "b.json", "b"}});
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(tmp.path / "a.json"), "old") << "written aside: nothing renamed before every file is written";
  std::size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path)) entries += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(entries, 1u) << "no temporary file left";
}

}  // namespace
}  // namespace finseg
