// fsync_paths (io/atomic_file.hpp) syncs many files at once, each in its own thread; an error of
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

}  // namespace
}  // namespace finseg
