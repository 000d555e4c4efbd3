// The built-in LZ4 filter (HDF5 filter 32004) speaks the chunk format of the HDF Group's
// H5Zlz4.c plugin: header (original size, block size, big-endian), then per block its size and
// bytes, a block that does not shrink stored raw. And its decoder refuses damaged input.
#include "store/h5_lz4.hpp"

#include <gtest/gtest.h>
#include <lz4.h>
#include <lz4hc.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace finseg {
namespace {

std::string be(std::uint64_t v, int bytes) {
  std::string s(static_cast<std::size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) s[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  return s;
}

// Runs the filter on a copy of `in` in an HDF5-allocated buffer, as HDF5 does; "" on failure.
std::string run_filter(const std::string& in, bool reverse, std::vector<unsigned> cd = {}) {
  std::size_t buf_size = in.size();
  void* buf = H5allocate_memory(std::max<std::size_t>(in.size(), 1), false);
  std::memcpy(buf, in.data(), in.size());
  const unsigned flags = reverse ? H5Z_FLAG_REVERSE : 0;
  const std::size_t n = h5::lz4_filter(flags, cd.size(), cd.data(), in.size(), &buf_size, &buf);
  std::string out = n ? std::string(static_cast<const char*>(buf), n) : std::string();
  EXPECT_GE(buf_size, n);
  H5free_memory(buf);
  return out;
}

std::string compressible(std::size_t n) {
  std::string s;
  while (s.size() < n) s += "Kartenzahlung REWE Markt GmbH Filiale " + std::to_string(s.size() % 97) + "\n";
  s.resize(n);
  return s;
}

std::string random_bytes(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

TEST(Lz4Filter, OneBlockPerChunkByDefaultInTheH5Zlz4Layout) {
  const std::string in = compressible(100'000);
  const std::string out = run_filter(in, false);
  ASSERT_GT(out.size(), 16u);
  EXPECT_EQ(out.substr(0, 8), be(in.size(), 8));
  EXPECT_EQ(out.substr(8, 4), be(in.size(), 4));  // the 1 GiB default, clipped to the chunk
  const std::uint32_t c = static_cast<std::uint32_t>(out.size() - 16);
  EXPECT_EQ(out.substr(12, 4), be(c, 4));
  EXPECT_LT(c, in.size() / 4);
  // The block is plain LZ4 (what liblz4 itself decodes).
  std::string plain(in.size(), '\0');
  EXPECT_EQ(LZ4_decompress_safe(out.data() + 16, plain.data(), static_cast<int>(c), static_cast<int>(plain.size())),
            static_cast<int>(in.size()));
  EXPECT_EQ(plain, in);
  EXPECT_EQ(run_filter(out, true), in);
}

TEST(Lz4Filter, IncompressibleBlocksAreStoredRawAndBlockSizesAreHonoured) {
  // cd_values[0] = block size, as H5Zlz4.c reads it: 3 blocks, the last one shorter.
  const std::string in = random_bytes(1000, 1) + compressible(1500);
  const std::string out = run_filter(in, false, {1024});
  EXPECT_EQ(out.substr(0, 12), be(2500, 8) + be(1024, 4));
  EXPECT_EQ(out.substr(12, 4), be(1024, 4));  // block 1: random, raw
  EXPECT_EQ(out.substr(16, 1000), in.substr(0, 1000));
  EXPECT_EQ(run_filter(out, true), in);
  const std::string random = random_bytes(5000, 2);
  EXPECT_EQ(run_filter(random, false), be(5000, 8) + be(5000, 4) + be(5000, 4) + random);
  EXPECT_EQ(run_filter(run_filter(random, false), true), random);
}

TEST(Lz4Filter, DecodesWhatH5Zlz4WritesWithSmallBlocks) {
  // Built by hand the way H5Zlz4.c writes it: block size 4096, blocks compressed with liblz4.
  const std::string in = compressible(10'000);
  std::string chunk = be(in.size(), 8) + be(4096, 4);
  for (std::size_t at = 0; at < in.size(); at += 4096) {
    const std::string block = in.substr(at, 4096);
    std::string c(static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(block.size()))), '\0');
    c.resize(static_cast<std::size_t>(LZ4_compress_default(block.data(), c.data(), static_cast<int>(block.size()),
                                                           static_cast<int>(c.size()))));
    chunk += be(c.size(), 4) + c;
  }
  EXPECT_EQ(run_filter(chunk, true), in);
  EXPECT_EQ(run_filter(in, false, {4096}), chunk);  // and writes exactly that
}

TEST(Lz4Filter, TheSecondParameterSelectsLz4HcInTheSameFormat) {
  const std::string in = compressible(200'000) + random_bytes(3000, 3) + compressible(50'000);
  const std::string fast = run_filter(in, false, {0, 1});
  EXPECT_EQ(fast, run_filter(in, false));  // 0 or 1: plain LZ4, as without parameters
  const std::string hc = run_filter(in, false, {0, 4});
  EXPECT_EQ(hc.substr(0, 12), fast.substr(0, 12));
  EXPECT_LT(hc.size(), fast.size());
  EXPECT_EQ(run_filter(hc, true), in);
  EXPECT_EQ(hc, run_filter(in, false, {0, 4}));  // deterministic
  std::string plain(in.size(), '\0');  // still one plain LZ4 block
  EXPECT_EQ(LZ4_decompress_safe(hc.data() + 16, plain.data(), static_cast<int>(hc.size() - 16),
                                static_cast<int>(plain.size())),
            static_cast<int>(in.size()));
  EXPECT_EQ(run_filter(run_filter(in, false, {0, 99}), true), in);                          // clamped to 12
  EXPECT_EQ(run_filter(run_filter(in, false, {0, static_cast<unsigned>(-8)}), true), in);  // acceleration 9
}

// The LZ4HC encoder reuses one state per thread (reset, not re-initialised, for each block): every
// chunk must still come out exactly as a fresh LZ4_compress_HC writes it, whatever was encoded
// before it (larger or smaller chunks, other levels, other addresses), or a store would depend
// on the order its chunks were written in.
TEST(Lz4Filter, Lz4HcChunksAreThoseOfAFreshStateWhateverCameBefore) {
  std::mt19937_64 rng(7);
  std::vector<std::string> inputs;
  for (int i = 0; i < 24; ++i) {
    const std::size_t n = 1 + rng() % 70'000;
    std::string s = i % 3 == 0 ? random_bytes(n, rng()) : compressible(n);
    if (i % 4 == 1) {  // numbers as a shuffled int64 column of amounts looks like
      for (std::size_t j = 0; j < s.size(); ++j) s[j] = j < s.size() / 2 ? static_cast<char>(rng() % 7) : '\0';
    }
    inputs.push_back(std::move(s));
  }
  for (const int level : {4, 3, 9, 4}) {
    for (const std::string& in : inputs) {
      std::string fresh(static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(in.size()))), '\0');
      const int c = LZ4_compress_HC(in.data(), fresh.data(), static_cast<int>(in.size()), static_cast<int>(fresh.size()), level);
      ASSERT_GT(c, 0);
      fresh.resize(static_cast<std::size_t>(c));
      const std::string chunk = run_filter(in, false, {0, static_cast<unsigned>(level)});
      ASSERT_GE(chunk.size(), 16u);
      if (chunk.size() - 16 == in.size() && fresh.size() >= in.size()) continue;  // stored raw either way
      EXPECT_EQ(chunk.substr(16), fresh) << "level " << level << ", " << in.size() << " bytes";
    }
  }
}

TEST(Lz4Filter, RefusesDamagedChunks) {
  const std::string in = compressible(50'000);
  const std::string good = run_filter(in, false, {8192});
  ASSERT_EQ(run_filter(good, true), in);
  EXPECT_EQ(run_filter(good.substr(0, 11), true), "");                   // no whole header
  EXPECT_EQ(run_filter(good.substr(0, good.size() - 1), true), "");      // truncated
  EXPECT_EQ(run_filter(good + "x", true), "");                           // trailing bytes
  EXPECT_EQ(run_filter(be(1ull << 40, 8) + good.substr(8), true), "");  // absurd size: no allocation
  EXPECT_EQ(run_filter(be(in.size(), 8) + be(0, 4) + good.substr(12), true), "");  // block size 0
  std::string bad_size = good;
  bad_size[15] = static_cast<char>(bad_size[15] + 1);  // first block's compressed size
  EXPECT_EQ(run_filter(bad_size, true), "");
  std::string bad_data = good;
  bad_data[20] = static_cast<char>(0xff);  // inside the first block's LZ4 sequence
  const std::string decoded = run_filter(bad_data, true);
  EXPECT_NE(decoded, in);  // an error, or (Fletcher32 catches that before) different bytes
}

TEST(Lz4Filter, RegistersOnce) {
  EXPECT_TRUE(h5::register_lz4_filter());
  EXPECT_TRUE(h5::register_lz4_filter());
  EXPECT_GT(H5Zfilter_avail(h5::kLz4FilterId), 0);
  unsigned config = 0;
  ASSERT_GE(H5Zget_filter_info(h5::kLz4FilterId, &config), 0);
  EXPECT_TRUE(config & H5Z_FILTER_CONFIG_ENCODE_ENABLED);
  EXPECT_TRUE(config & H5Z_FILTER_CONFIG_DECODE_ENABLED);
}

}  // namespace
}  // namespace finseg
