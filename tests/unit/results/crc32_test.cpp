// crc32_update (src/io/crc32.hpp) against zlib's crc32, which the partial and shard files' CRCs
// have always been: every length around the folding's steps (16, 64 bytes), every alignment,
// continued from any CRC and taken in pieces.
#include "io/crc32.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <vector>

namespace finseg {
namespace {

std::uint32_t zlib_crc(std::uint32_t crc, const unsigned char* p, std::size_t n) {
  return static_cast<std::uint32_t>(crc32(crc, p, static_cast<uInt>(n)));
}

std::vector<unsigned char> random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<unsigned char> v(n);
  for (auto& b : v) b = static_cast<unsigned char>(rng());
  return v;
}

TEST(Crc32, EqualsZlibForEveryLengthAndAlignment) {
  const auto bytes = random_bytes(4096 + 64, 1);
  for (std::size_t offset = 0; offset < 16; ++offset)
    for (std::size_t n = 0; n <= 600; ++n)
      ASSERT_EQ(crc32_update(0, bytes.data() + offset, n), zlib_crc(0, bytes.data() + offset, n))
          << "offset " << offset << ", " << n << " bytes";
  for (const std::size_t n : {1000u, 4096u, 4097u, 4111u, 4159u})
    EXPECT_EQ(crc32_update(0, bytes.data() + 3, n), zlib_crc(0, bytes.data() + 3, n)) << n << " bytes";
}

TEST(Crc32, ContinuesAnyCrcAndPiecesAddUp) {
  const auto bytes = random_bytes(1 << 20, 2);
  const std::uint32_t whole = zlib_crc(0, bytes.data(), bytes.size());
  EXPECT_EQ(crc32_update(0, bytes.data(), bytes.size()), whole);
  std::mt19937 rng(3);
  std::uint32_t crc = 0;
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t n = std::min<std::size_t>(rng() % 5000, bytes.size() - at);
    crc = crc32_update(crc, bytes.data() + at, n);
    at += n;
  }
  EXPECT_EQ(crc, whole);
  for (const std::uint32_t start : {0x00000000u, 0xffffffffu, 0x12345678u, 0xdeadbeefu})
    EXPECT_EQ(crc32_update(start, bytes.data(), 777), zlib_crc(start, bytes.data(), 777)) << start;
}

TEST(Crc32, KnownValues) {
  const unsigned char check[] = "123456789";
  EXPECT_EQ(crc32_update(0, check, 9), 0xcbf43926u);  // the CRC-32 check value
  const std::vector<unsigned char> zeros(1000, 0);
  EXPECT_EQ(crc32_update(0, zeros.data(), zeros.size()), zlib_crc(0, zeros.data(), zeros.size()));
  const std::vector<unsigned char> ones(1000, 0xff);
  EXPECT_EQ(crc32_update(0, ones.data(), ones.size()), zlib_crc(0, ones.data(), ones.size()));
}

}  // namespace
}  // namespace finseg
