// A damaged shard is always a StoreError naming the file: missing, truncated, corrupt (CRC),
// and, with the CRC bypassed, a flipped byte inside a chunk (Fletcher32). Never wrong numbers.
#include "core/errors.hpp"
#include "io/store.hpp"
#include "store_test_support.hpp"

#include <hdf5.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

namespace finseg {
namespace {

using test::ScratchDir;

// Runs `f`, expects a StoreError whose message contains each of `needles`.
template <class F>
void expect_store_error(F&& f, const std::vector<std::string>& needles) {
  try {
    f();
    ADD_FAILURE() << "no StoreError";
  } catch (const StoreError& e) {
    if (std::getenv("FINSEG_TEST_SHOW_ERRORS")) std::printf("  error: %s\n", e.what());
    for (const auto& n : needles) EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what();
  }
}

struct Written {
  ScratchDir dir;
  Taxonomy taxonomy = test::default_taxonomy();
  ShardData data = test::synthetic_shard(8, 5, taxonomy);
  ShardInfo info;
  std::filesystem::path file;
  explicit Written(ShardWriteOptions options = {}) {
    file = dir / "shard-00000.h5";
    info = write_shard(file, data, taxonomy, options);
  }
};

std::string crc_text(const std::string& bytes) {
  const auto crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size()));
  char buf[16];
  std::snprintf(buf, sizeof buf, "crc32:%08lx", crc);
  return buf;
}

// File offset and size of the first chunk of `dataset` (HDF5 >= 1.10.5).
std::pair<haddr_t, hsize_t> first_chunk(const std::filesystem::path& file, const char* dataset) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, dataset, H5P_DEFAULT);
  const hsize_t offset[1] = {0};
  unsigned mask = 0;
  haddr_t addr = 0;
  hsize_t size = 0;
  EXPECT_GE(H5Dget_chunk_info_by_coord(d, offset, &mask, &addr, &size), 0);
  H5Dclose(d);
  H5Fclose(f);
  return {addr, size};
}

TEST(ShardCorruption, MissingFile) {
  Written w;
  std::filesystem::remove(w.file);
  expect_store_error([&] { read_shard(w.dir.path(), w.info); }, {w.file.string(), "missing"});
}

TEST(ShardCorruption, TruncatedFile) {
  Written w;
  std::filesystem::resize_file(w.file, w.info.bytes / 2);
  expect_store_error([&] { read_shard(w.dir.path(), w.info); },
                     {w.file.string(), "truncated (" + std::to_string(w.info.bytes / 2) + " of " +
                                           std::to_string(w.info.bytes) + " bytes)"});
}

TEST(ShardCorruption, FlippedBytesInTheMiddle) {
  Written w;
  std::string bytes = test::read_bytes(w.file);
  bytes[bytes.size() / 2] ^= 0x5a;
  bytes[bytes.size() / 2 + 1] ^= 0x01;
  test::write_bytes(w.file, bytes);
  expect_store_error([&] { read_shard(w.dir.path(), w.info, kAmount); }, {w.file.string(), "checksum mismatch"});
}

TEST(ShardCorruption, CountsDifferingFromTheManifest) {
  Written w;
  ShardInfo wrong = w.info;
  wrong.transactions += 1;
  expect_store_error([&] { read_shard(w.dir.path(), wrong); }, {w.file.string(), "transactions"});
}

// The manifest's CRC is bypassed (updated to the damaged file's), so only Fletcher32 stands
// between a flipped bit in the amounts and a wrong sum.
TEST(ShardCorruption, Fletcher32CatchesAFlipInChunkDataEvenWithTheCrcBypassed) {
  using F = ShardWriteOptions::Filter;
  for (const F filter : {F::none, F::shuffle_deflate}) {
    SCOPED_TRACE("filter " + std::to_string(static_cast<int>(filter)));
    ShardWriteOptions options;
    options.filter = filter;
    options.chunk_elements = 1000;
    Written w(options);
    const auto [addr, size] = first_chunk(w.file, "/transactions/amount");
    ASSERT_GT(size, 16u);
    std::string bytes = test::read_bytes(w.file);
    bytes[addr + size / 2] ^= 0x10;
    test::write_bytes(w.file, bytes);
    ShardInfo bypassed = w.info;
    bypassed.checksum = crc_text(bytes);
    expect_store_error([&] { read_shard(w.dir.path(), bypassed, kAmount); },
                       {w.file.string(), "/transactions/amount", "Fletcher32"});
    // Columns not touched by the flip still read fine.
    EXPECT_EQ(read_shard(w.dir.path(), bypassed, kBookingDate).booking_date, w.data.booking_date);
  }
}

TEST(ShardCorruption, VerifyStoreFindsTheDamagedShard) {
  Written w;
  StoreManifest manifest;
  manifest.shards.push_back(w.info);
  EXPECT_NO_THROW(verify_store(w.dir.path(), manifest));
  std::string bytes = test::read_bytes(w.file);
  bytes[bytes.size() / 3] ^= 0x7f;
  test::write_bytes(w.file, bytes);
  expect_store_error([&] { verify_store(w.dir.path(), manifest); }, {w.file.string(), "checksum mismatch"});
}

TEST(ShardCorruption, NotAnHdf5File) {
  ScratchDir dir;
  test::write_bytes(dir / "s.h5", "this is not HDF5 at all");
  ShardInfo info;
  info.file = "s.h5";
  info.bytes = 23;
  info.checksum = crc_text(test::read_bytes(dir / "s.h5"));
  expect_store_error([&] { read_shard(dir.path(), info); }, {(dir / "s.h5").string(), "HDF5"});
}

TEST(ShardCorruption, ShardNamesMayNotLeaveTheStore) {
  Written w;
  ShardInfo evil = w.info;
  evil.file = "../shard-00000.h5";
  expect_store_error([&] { read_shard(w.dir.path() / "sub", evil); }, {"sub"});
}

}  // namespace
}  // namespace finseg
