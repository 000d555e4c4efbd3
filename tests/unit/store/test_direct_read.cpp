// The direct chunk read (store/h5_direct_read.hpp) gives exactly H5Dread's bytes for every filter
// chain finseg writes, takes over only the chains it is meant for, computes HDF5's Fletcher32,
// and turns a damaged chunk into a StoreError: a flipped byte through Fletcher32, a damaged LZ4
// payload behind a valid checksum through the LZ4 checks.
#include "core/errors.hpp"
#include "store/h5_direct_read.hpp"
#include "store/h5_layout.hpp"
#include "store/h5_shard.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

#include <hdf5.h>

#include <cstring>
#include <optional>
#include <random>

#include <gtest/gtest.h>

namespace finseg {
namespace {

using test::ScratchDir;
using Filter = ShardWriteOptions::Filter;

// H5_checksum_fletcher32 of H5checksum.c, word by word as HDF5 computes it.
std::uint32_t reference_fletcher32(const unsigned char* data, std::size_t bytes) {
  std::size_t len = bytes / 2;
  std::uint32_t sum1 = 0, sum2 = 0;
  while (len) {
    std::size_t tlen = len > 360 ? 360 : len;
    len -= tlen;
    do {
      sum1 += static_cast<std::uint32_t>(data[0] << 8 | data[1]);
      data += 2;
      sum2 += sum1;
    } while (--tlen);
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  }
  if (bytes % 2) {
    sum1 += static_cast<std::uint32_t>(*data << 8);
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  return sum2 << 16 | sum1;
}

TEST(DirectRead, Fletcher32IsHdf5s) {
  std::mt19937_64 rng(7);
  std::vector<unsigned char> data(700'001);
  const auto same = [&](std::size_t n) {
    EXPECT_EQ(h5::fletcher32(data.data(), n), reference_fletcher32(data.data(), n)) << n << " bytes";
  };
  for (const int fill : {0x00, 0xff, 0x01}) {  // all zero, the largest sums, multiples of 65535
    std::fill(data.begin(), data.end(), static_cast<unsigned char>(fill));
    for (const std::size_t n : {0, 1, 2, 3, 15, 16, 17, 720, 721, 4095, 4096, 4097, 524'288, 700'001}) same(n);
  }
  data.assign(data.size(), 0);
  data[data.size() - 1] = 0x80;  // only the odd last byte is not zero
  same(data.size());
  for (auto& b : data) b = static_cast<unsigned char>(rng());
  for (int i = 0; i < 300; ++i) same(static_cast<std::size_t>(rng() % 20'000));
  for (const std::size_t n : {131'071, 131'072, 524'288, 524'291, 700'001}) same(n);
  // Sums that are exact multiples of 65535 (HDF5 gives 65535, not 0): one word 0xffff.
  data.assign(2, 0xff);
  same(2);
}

// A shard with 1-element transaction datasets, one with no transactions at all (the offsets have
// one element, everything else is empty), and the synthetic and hand-built ones.
struct Shard {
  std::string name;
  ShardData data;
  Taxonomy taxonomy = test::default_taxonomy();
};

std::vector<Shard> shards() {
  std::vector<Shard> out;
  out.push_back({"synthetic", test::synthetic_shard(4, 11, test::default_taxonomy())});
  out.push_back({"hand-built", test::hand_built_shard(), test::full_taxonomy()});
  ShardData one;
  one.add_user("u");
  one.add_account("a", AccountType::checking, test::cur("EUR"), 5, 20'000);
  one.add_transaction("t", 19'000, -7, 1, "n", "DE02120300000000202051", "p");
  out.push_back({"one-transaction", one});
  out.push_back({"empty", ShardData{}});
  return out;
}

struct Case {
  std::string name;
  ShardWriteOptions options;
  std::optional<bool> direct;  // whether the direct read takes the chain over (szip: per dataset)
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const std::uint64_t chunk : {std::uint64_t{1} << 16, std::uint64_t{1000}, std::uint64_t{7}}) {
    const auto add = [&](const std::string& name, Filter filter, int lz4_level, std::optional<bool> direct) {
      ShardWriteOptions o;
      o.filter = filter;
      o.lz4_level = lz4_level;
      o.chunk_elements = chunk;
      out.push_back({name + ", chunk " + std::to_string(chunk), o, direct});
    };
    add("none", Filter::none, 1, true);
    add("deflate", Filter::deflate, 1, false);
    add("shuffle_deflate", Filter::shuffle_deflate, 1, false);
    // szip only for integer columns of chunks of at least one szip block, the rest Fletcher32 alone
    if (h5::szip_encoder_available()) add("szip", Filter::szip, 1, std::nullopt);
    for (const int level : {1, 9}) {
      add("lz4 level " + std::to_string(level), Filter::lz4, level, true);
      add("shuffle_lz4 level " + std::to_string(level), Filter::shuffle_lz4, level, true);
    }
  }
  return out;
}

// Every dataset of the file read both ways, with the file type as the memory type: the same
// bytes, and the direct read taking exactly the chains it is for.
void expect_same_as_h5dread(const std::filesystem::path& file, std::optional<bool> direct) {
  const h5::Context ctx{"shard " + file.string()};
  h5::File f = h5::open_shard_file(file, ctx);
  h5::DirectReader reader(f.get(), ctx);
  for (const char* path : h5layout::kDatasets) {
    SCOPED_TRACE(path);
    h5::Dataset ds(H5Dopen2(f.get(), path, H5P_DEFAULT));
    ASSERT_TRUE(ds);
    h5::Datatype type(H5Dget_type(ds.get()));
    h5::Dataspace space(H5Dget_space(ds.get()));
    const auto n = static_cast<std::uint64_t>(H5Sget_simple_extent_npoints(space.get()));
    const std::size_t size = H5Tget_size(type.get());
    if (n == 0) continue;  // the shard reader reads nothing then
    std::vector<unsigned char> expected(n * size, 0xaa), got(n * size, 0x55);
    ASSERT_GE(H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, expected.data()), 0);
    const bool took = reader.read(ds.get(), type.get(), type.get(), n, got.data(), path);
    if (direct) {
      EXPECT_EQ(took, *direct);
    }
    if (took) {
      EXPECT_TRUE(got == expected);
    }
  }
}

TEST(DirectRead, SameBytesAsH5DreadForEveryFilterChain) {
  for (const Shard& shard : shards())
    for (const Case& c : cases()) {
      SCOPED_TRACE(shard.name + ", " + c.name);
      ScratchDir dir;
      const ShardInfo info = write_shard(dir / "shard-00000.h5", shard.data, shard.taxonomy, c.options);
      expect_same_as_h5dread(dir / "shard-00000.h5", c.direct);
      EXPECT_EQ(read_shard(dir.path(), info), shard.data);
    }
}

// Memory types other than the file type (here: big-endian) are left to HDF5's conversion.
TEST(DirectRead, OtherMemoryTypesAreLeftToHdf5) {
  ScratchDir dir;
  const Taxonomy taxonomy = test::default_taxonomy();
  write_shard(dir / "shard-00000.h5", test::synthetic_shard(2, 3, taxonomy), taxonomy);
  const h5::Context ctx{"shard"};
  h5::File f = h5::open_shard_file(dir / "shard-00000.h5", ctx);
  h5::DirectReader reader(f.get(), ctx);
  h5::Dataset ds(H5Dopen2(f.get(), h5layout::kAmount, H5P_DEFAULT));
  h5::Datatype type(H5Dget_type(ds.get()));
  std::vector<std::int64_t> out(1);
  EXPECT_FALSE(reader.read(ds.get(), type.get(), H5T_STD_I64BE, 1, out.data(), "amount"));
  EXPECT_TRUE(reader.read(ds.get(), type.get(), H5T_NATIVE_INT64, 1, out.data(), "amount"));
}

struct LzStore {
  ScratchDir dir;
  Taxonomy taxonomy = test::default_taxonomy();
  ShardData data = test::synthetic_shard(20, 5, taxonomy);
  ShardInfo info;
  std::filesystem::path file;
  std::uint64_t addr = 0;   // first chunk of /transactions/amount
  std::uint64_t bytes = 0;  // its stored size
  explicit LzStore(Filter filter) {
    ShardWriteOptions options;
    options.filter = filter;
    options.chunk_elements = 1000;
    file = dir / "shard-00000.h5";
    info = write_shard(file, data, taxonomy, options);
    for (const auto& c : shard_chunk_locations(dir.path(), info))
      if (c.dataset == h5layout::kAmount && c.first == 0) {
        addr = c.offset;
        bytes = c.bytes;
      }
  }
  // Changes the stored chunk with `damage` and stores a Fletcher32 that matches the result.
  template <class D>
  void damage_behind_a_valid_checksum(D&& damage) {
    std::string all = test::read_bytes(file);
    ASSERT_GT(bytes, 16u);
    ASSERT_LE(addr + bytes, all.size());
    auto* chunk = reinterpret_cast<unsigned char*>(all.data() + addr);
    const std::size_t payload = bytes - 4;
    damage(chunk, payload);
    const std::uint32_t sum = h5::fletcher32(chunk, payload);
    for (int i = 0; i < 4; ++i) chunk[payload + i] = static_cast<unsigned char>(sum >> (8 * i));
    test::write_bytes(file, all);
  }
};

TEST(DirectRead, AFlippedByteInAnLz4ChunkIsAFletcher32Error) {
  for (const Filter filter : {Filter::lz4, Filter::shuffle_lz4}) {
    LzStore s(filter);
    std::string all = test::read_bytes(s.file);
    all[s.addr + s.bytes / 2] ^= 0x10;
    test::write_bytes(s.file, all);
    const std::string error = test::store_error_of([&] { read_shard(s.dir.path(), s.info, kAmount); });
    EXPECT_NE(error.find("Fletcher32"), std::string::npos) << error;
    EXPECT_NE(error.find(h5layout::kAmount), std::string::npos) << error;
    EXPECT_NE(error.find(s.file.string()), std::string::npos) << error;
  }
}

TEST(DirectRead, ADamagedLz4PayloadBehindAValidChecksumIsAStoreError) {
  const std::vector<std::pair<std::string, void (*)(unsigned char*, std::size_t)>> damages = {
      {"original size", [](unsigned char* c, std::size_t) { c[7] ^= 0x01; }},
      {"huge original size", [](unsigned char* c, std::size_t) { c[0] = 0x7f; }},
      {"block size 0", [](unsigned char* c, std::size_t) { std::memset(c + 8, 0, 4); }},
      {"block length past the end", [](unsigned char* c, std::size_t) { std::memset(c + 12, 0x7f, 4); }},
      {"garbage block", [](unsigned char* c, std::size_t n) { std::memset(c + 16, 0xff, n - 16); }},
      {"block one byte shorter", [](unsigned char* c, std::size_t) { c[15] = static_cast<unsigned char>(c[15] - 1); }},
  };
  for (const Filter filter : {Filter::lz4, Filter::shuffle_lz4})
    for (const auto& [name, damage] : damages) {
      SCOPED_TRACE(name + (filter == Filter::lz4 ? ", lz4" : ", shuffle_lz4"));
      LzStore s(filter);
      s.damage_behind_a_valid_checksum(damage);
      const std::string error = test::store_error_of([&] { read_shard(s.dir.path(), s.info, kAmount); });
      EXPECT_NE(error.find(h5layout::kAmount), std::string::npos) << error;
      EXPECT_NE(error.find(s.file.string()), std::string::npos) << error;
      EXPECT_EQ(error.find("Fletcher32"), std::string::npos) << error;
    }
}

}  // namespace
}  // namespace finseg

namespace finseg::h5 {
namespace {

// A chunk left shuffled (read_chunk_shuffled) gives any run of its values back: byte b of value
// j is at b * per_chunk + j, also for runs that start and end inside the 16-value SIMD steps.
TEST(DirectRead, UnshuffleValuesTakesAnyRunOfAShuffledChunk) {
  for (const std::size_t size : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{4}, std::size_t{8}}) {
    for (const std::size_t per_chunk : {std::size_t{1}, std::size_t{37}, std::size_t{100}}) {
      std::vector<unsigned char> values(per_chunk * size), shuffled(per_chunk * size);
      for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<unsigned char>(i * 131 + size);
      for (std::size_t j = 0; j < per_chunk; ++j)
        for (std::size_t b = 0; b < size; ++b) shuffled[b * per_chunk + j] = values[j * size + b];
      for (std::size_t first = 0; first < per_chunk; first += 5)
        for (std::size_t count = 0; first + count <= per_chunk; count += 3) {
          std::vector<unsigned char> out(count * size + 1, 0xEE);
          unshuffle_values(shuffled.data(), per_chunk, first, count, size, out.data());
          ASSERT_TRUE(std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(count * size),
                                 values.begin() + static_cast<std::ptrdiff_t>(first * size)))
              << "size " << size << ", chunk " << per_chunk << ", values " << first << "+" << count;
          EXPECT_EQ(out.back(), 0xEE) << "wrote past the run";
        }
    }
  }
}

}  // namespace
}  // namespace finseg::h5
