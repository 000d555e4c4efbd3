// A damaged shard is always a StoreError naming the file, never wrong numbers: missing,
// truncated, a flipped byte in a chunk that is read (Fletcher32), in the HDF5 metadata (the
// checksums of the 1.10 format), and anywhere in the file when the whole-file CRC is asked for
// (verify_file_checksum, verify_store). A flip in a column the read does not use is not seen by
// a plain read_shard: it reads nothing of that column.
#include "core/errors.hpp"
#include "store/store.hpp"
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

// File offset and size of the first chunk of `dataset`, as shard_chunk_locations reports it;
// cross-checked with HDF5's own H5Dget_chunk_info_by_coord.
std::pair<std::uint64_t, std::uint64_t> first_chunk(const Written& w, const char* dataset) {
  for (const auto& c : shard_chunk_locations(w.dir.path(), w.info))
    if (c.dataset == dataset && c.first == 0) {
      const hid_t f = H5Fopen(w.file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
      const hid_t d = H5Dopen2(f, dataset, H5P_DEFAULT);
      const hsize_t offset[1] = {0};
      unsigned mask = 0;
      haddr_t addr = 0;
      hsize_t size = 0;
      EXPECT_GE(H5Dget_chunk_info_by_coord(d, offset, &mask, &addr, &size), 0);
      EXPECT_EQ(addr, c.offset);
      EXPECT_EQ(size, c.bytes);
      H5Dclose(d);
      H5Fclose(f);
      return {c.offset, c.bytes};
    }
  ADD_FAILURE() << "no first chunk of " << dataset;
  return {0, 0};
}

// Flips one bit at `offset` of the file.
void flip(const std::filesystem::path& file, std::uint64_t offset, char mask = 0x10) {
  std::string bytes = test::read_bytes(file);
  ASSERT_LT(offset, bytes.size());
  bytes[offset] ^= mask;
  test::write_bytes(file, bytes);
}

// Byte offset of the object header of `object` (HDF5 1.10 API).
std::uint64_t object_header(const std::filesystem::path& file, const char* object) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  H5O_info_t info{};
  EXPECT_GE(H5Oget_info_by_name(f, object, &info, H5P_DEFAULT), 0);
  H5Fclose(f);
  return info.addr;
}

// Offset of the 8-byte little-endian file address `addr` inside the fixed-array data block
// ("FADB") that indexes it: where the chunk index holds the address of that chunk.
std::uint64_t chunk_index_entry(const std::string& bytes, std::uint64_t addr) {
  std::string needle(8, '\0');
  for (int i = 0; i < 8; ++i) needle[static_cast<std::size_t>(i)] = static_cast<char>((addr >> (8 * i)) & 0xff);
  for (auto at = bytes.find(needle); at != std::string::npos; at = bytes.find(needle, at + 1)) {
    const auto block = bytes.rfind("FADB", at);
    if (block != std::string::npos && at - block < 4096) return at;
  }
  ADD_FAILURE() << "the chunk address is in no fixed-array data block";
  return 0;
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

TEST(ShardCorruption, FlippedBytesInTheMiddleFailTheWholeFileChecksum) {
  Written w;
  std::string bytes = test::read_bytes(w.file);
  bytes[bytes.size() / 2] ^= 0x5a;
  bytes[bytes.size() / 2 + 1] ^= 0x01;
  test::write_bytes(w.file, bytes);
  expect_store_error([&] { read_shard(w.dir.path(), w.info, kAmount, true); }, {w.file.string(), "checksum mismatch"});
}

// The run's read (no whole-file CRC) verifies exactly what it reads: a flip in a column it does
// not request goes unnoticed (and changes nothing it returns), the whole-file CRC and
// verify_store find it, and reading that column finds it through Fletcher32.
TEST(ShardCorruption, AFlipInAnUnrequestedColumnIsOnlyFoundByTheWholeFileChecks) {
  using F = ShardWriteOptions::Filter;
  for (const F filter : {F::shuffle_deflate, F::none, F::lz4, F::shuffle_lz4}) {
    SCOPED_TRACE("filter " + std::to_string(static_cast<int>(filter)));
    ShardWriteOptions options;
    options.filter = filter;
    Written w(options);
    const auto [addr, size] = first_chunk(w, "/transactions/purpose_bytes");
    ASSERT_GT(size, 16u);
    flip(w.file, addr + size / 2);
    const ShardData scan = read_shard(w.dir.path(), w.info, kBookingDate | kAmount | kLabels);
    EXPECT_EQ(scan.amount, w.data.amount);
    EXPECT_EQ(scan.labels, w.data.labels);
    expect_store_error([&] { read_shard(w.dir.path(), w.info, kBookingDate | kAmount | kLabels, true); },
                       {w.file.string(), "checksum mismatch"});
    StoreManifest manifest;
    manifest.shards.push_back(w.info);
    expect_store_error([&] { verify_store(w.dir.path(), manifest); }, {w.file.string(), "checksum mismatch"});
    expect_store_error([&] { read_shard(w.dir.path(), w.info, kPurpose); },
                       {w.file.string(), "/transactions/purpose_bytes", "Fletcher32"});
  }
}

TEST(ShardCorruption, CountsDifferingFromTheManifest) {
  Written w;
  ShardInfo wrong = w.info;
  wrong.transactions += 1;
  expect_store_error([&] { read_shard(w.dir.path(), wrong); }, {w.file.string(), "transactions"});
}

// A flip in a chunk the read requests is found by Fletcher32 (also when the manifest's CRC has
// been updated to the damaged file's, so that only Fletcher32 stands between a flipped bit in
// the amounts and a wrong sum), for every filter chain and both HDF5 formats.
TEST(ShardCorruption, Fletcher32CatchesAFlipInARequestedChunk) {
  using F = ShardWriteOptions::Filter;
  using V = ShardWriteOptions::Hdf5Format;
  for (const V format : {V::v110, V::v18})
    for (const F filter : {F::none, F::shuffle_deflate, F::lz4, F::shuffle_lz4}) {
      SCOPED_TRACE("filter " + std::to_string(static_cast<int>(filter)) + ", format " +
                   std::to_string(static_cast<int>(format)));
      ShardWriteOptions options;
      options.filter = filter;
      options.hdf5_format = format;
      options.chunk_elements = 1000;
      Written w(options);
      const auto [addr, size] = first_chunk(w, "/transactions/amount");
      ASSERT_GT(size, 16u);
      flip(w.file, addr + size / 2);
      expect_store_error([&] { read_shard(w.dir.path(), w.info, kAmount); },
                         {w.file.string(), "/transactions/amount", "Fletcher32"});
      ShardInfo bypassed = w.info;
      bypassed.checksum = crc_text(test::read_bytes(w.file));
      expect_store_error([&] { read_shard(w.dir.path(), bypassed, kAmount, true); },
                         {w.file.string(), "/transactions/amount", "Fletcher32"});
      // Columns not touched by the flip still read fine.
      EXPECT_EQ(read_shard(w.dir.path(), w.info, kBookingDate).booking_date, w.data.booking_date);
    }
}

// The HDF5 metadata the read goes through is checksummed in the 1.10 format: a flip in the
// superblock, in a dataset's object header or in its chunk index (the fixed-array data block
// holding the chunk addresses) is an error before any data is used.
TEST(ShardCorruption, MetadataChecksumsCatchAFlipInTheSuperblockObjectHeaderOrChunkIndex) {
  for (const auto filter : {ShardWriteOptions::Filter::shuffle_deflate, ShardWriteOptions::Filter::lz4}) {
    SCOPED_TRACE("filter " + std::to_string(static_cast<int>(filter)));
    ShardWriteOptions options;
    options.filter = filter;
    options.chunk_elements = 1000;  // several chunks: a fixed-array index
    {
      Written w(options);
      ASSERT_EQ(test::read_bytes(w.file).substr(0, 8), "\x89HDF\r\n\x1a\n");
      flip(w.file, 30);  // the superblock's end-of-file address
      expect_store_error([&] { read_shard(w.dir.path(), w.info, kAmount); }, {w.file.string(), "metadata checksum"});
    }
    {
      Written w(options);
      const auto header = object_header(w.file, "/transactions/amount");
      ASSERT_EQ(test::read_bytes(w.file).substr(header, 4), "OHDR");
      flip(w.file, header + 12);
      expect_store_error([&] { read_shard(w.dir.path(), w.info, kAmount); },
                         {w.file.string(), "/transactions/amount", "metadata checksum"});
      EXPECT_EQ(read_shard(w.dir.path(), w.info, kBookingDate).booking_date, w.data.booking_date);
    }
    {
      Written w(options);
      const auto [addr, size] = first_chunk(w, "/transactions/amount");
      const auto entry = chunk_index_entry(test::read_bytes(w.file), addr);
      ASSERT_GT(entry, 0u);
      flip(w.file, entry + 1, 0x01);  // the chunk's address, 256 bytes off
      expect_store_error([&] { read_shard(w.dir.path(), w.info, kAmount); },
                         {w.file.string(), "/transactions/amount", "metadata checksum"});
      EXPECT_EQ(read_shard(w.dir.path(), w.info, kBookingDate).booking_date, w.data.booking_date);
    }
  }
}

TEST(ShardCorruption, VerifyStoreFindsTheDamagedShard) {
  Written w;
  StoreManifest manifest;
  manifest.label_groups = w.taxonomy.groups();  // verify_store compares the shard's labels with it
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
