// DocumentWriter (results/results_writer.hpp): several writers filling their byte ranges of one
// file, at offsets that are not block-aligned, in pieces small and larger than its buffer, give
// exactly the bytes written, whether the full blocks go with O_DIRECT (FINSEG_DOCUMENT_IO=direct,
// where the file system takes it; run it with TMPDIR on another file system to see one that does
// not) or through the page cache (the default).
#include "core/errors.hpp"
#include "results/results_writer.hpp"

#include "results_test_support.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace finseg {
namespace {

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream all;
  all << in.rdbuf();
  return all.str();
}

// The pages of `file` in the page cache (mincore over a mapping of it).
std::size_t cached_pages(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY);
  const auto size = static_cast<std::size_t>(std::filesystem::file_size(file));
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)), pages = (size + page - 1) / page;
  std::vector<unsigned char> resident(pages);
  ::mincore(map, size, resident.data());
  ::munmap(map, size);
  std::size_t n = 0;
  for (const unsigned char r : resident) n += r & 1;
  return n;
}

// Whether the file system under `dir` takes O_DIRECT past the page cache (ext4 does; tmpfs
// refuses it before Linux 6.6 and serves it from memory since).
bool bypasses_cache(const std::filesystem::path& dir) {
  struct statfs fs {};
  if (::statfs(dir.c_str(), &fs) != 0 || fs.f_type == TMPFS_MAGIC) return false;
  const auto probe = dir / "probe";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_DIRECT, 0644);
  if (fd >= 0) ::close(fd);
  std::filesystem::remove(probe);
  return fd >= 0;
}

// Three writers fill [0, a), [a, b), [b, size) of one file in pieces of random sizes (up to
// 3 MiB, more than the 1 MiB buffer), the first one with a hole it skips and fills last.
std::string write_three_ranges(const std::filesystem::path& file) {
  std::mt19937_64 rng(42);
  const std::uint64_t a = 3'000'001, b = 7'654'321, size = 11'111'111;
  std::string expected(size, '\0');
  for (auto& c : expected) c = static_cast<char>('a' + rng() % 26);
  create_sized_file(file, size);
  const auto fill = [&](std::uint64_t from, std::uint64_t to) {
    DocumentWriter w(file, from);
    for (std::uint64_t at = from; at < to;) {
      const std::uint64_t n = std::min<std::uint64_t>(to - at, rng() % 4 == 0 ? rng() % (3 << 20) : rng() % 3000);
      w.write(std::string_view(expected).substr(at, n));
      at += n;
    }
    EXPECT_EQ(w.bytes(), to);
    w.close();
  };
  fill(b, size);
  fill(a, b);
  DocumentWriter first(file, 0);
  first.write(std::string_view(expected).substr(0, 100));
  first.skip_to(a - 17);  // a hole of [100, a - 17), filled below
  first.write(std::string_view(expected).substr(a - 17, 17));
  first.close();
  fill(100, a - 17);
  return expected;
}

TEST(DocumentWriter, RangesOfOneFileInPiecesOfAnySizeGiveTheBytesWritten) {
  TempDir tmp("finseg-writer-");
  for (const bool buffered : {false, true}) {
    if (!buffered) ::setenv("FINSEG_DOCUMENT_IO", "direct", 1);
    const auto file = tmp.path / (buffered ? "buffered" : "direct");
    const std::string expected = write_three_ranges(file);
    ::unsetenv("FINSEG_DOCUMENT_IO");
    EXPECT_EQ(slurp(file), expected) << (buffered ? "buffered" : "direct");
  }
}

// With O_DIRECT (FINSEG_DOCUMENT_IO=direct) the full blocks do not pass through the page cache (on this VM a fresh page-cache
// page costs up to ~8 us to touch): after the writers close, at most the pages of their unaligned
// edges and their first buffer are cached. Through the page cache every page is.
TEST(DocumentWriter, FullBlocksBypassThePageCacheWhereTheFileSystemTakesODirect) {
  TempDir tmp("finseg-writer-");
  if (!bypasses_cache(tmp.path)) GTEST_SKIP() << tmp.path << ": no O_DIRECT past the page cache there";
  const auto direct = tmp.path / "direct", buffered = tmp.path / "buffered";
  ::setenv("FINSEG_DOCUMENT_IO", "direct", 1);
  write_three_ranges(direct);
  ::unsetenv("FINSEG_DOCUMENT_IO");
  write_three_ranges(buffered);
  const std::size_t pages = (11'111'111 + 4095) / 4096;
  EXPECT_GE(cached_pages(buffered), pages * 9 / 10);
  EXPECT_LE(cached_pages(direct), pages / 2) << "of " << pages << " pages";
}

// Whether the file system under `dir` allocates blocks with fallocate(2) (ext4, xfs, tmpfs do).
bool allocates(const std::filesystem::path& dir) {
  const auto probe = dir / "probe";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT, 0644);
  const bool ok = fd >= 0 && ::fallocate(fd, 0, 0, 4096) == 0;
  if (fd >= 0) ::close(fd);
  std::filesystem::remove(probe);
  return ok;
}

// A document's file is created with its blocks allocated (fallocate), not sparse: its writers'
// pages are then written back into extents allocated once, not allocated page by page as each
// rank's writeback goes (ext4's delayed allocation; 220 MB by two processes took 0.135 instead of
// 0.167 s, docs/performance.md 2.4.3). It still reads as zeros until written, and the ranges its
// writers fill give exactly their bytes (above).
TEST(DocumentWriter, ASizedFileHasItsBlocksAllocatedAndReadsAsZeros) {
  TempDir tmp("finseg-writer-");
  if (!allocates(tmp.path)) GTEST_SKIP() << tmp.path << ": no fallocate there";
  const auto file = tmp.path / "doc";
  const std::uint64_t size = 5'000'001;
  create_sized_file(file, size);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), size);
  EXPECT_GE(static_cast<std::uint64_t>(st.st_blocks) * 512, size) << "the file is sparse";
  EXPECT_EQ(slurp(file), std::string(size, '\0'));
  create_sized_file(tmp.path / "empty", 0);
  EXPECT_EQ(std::filesystem::file_size(tmp.path / "empty"), 0u);
  EXPECT_THROW(create_sized_file(file, 10), IoError);  // never over an existing file
}

}  // namespace
}  // namespace finseg
