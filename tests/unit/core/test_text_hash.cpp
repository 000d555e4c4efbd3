// short_text_hash reads a text's last bytes as one word when it can: the same value as the
// zero-padded copy it made before (the import's buckets and account map, the names' dictionary).
#include "core/text_hash.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>

namespace finseg {
namespace {

// The hash as it was written first: the tail copied into a zeroed word.
std::uint64_t reference_hash(std::string_view s) {
  const auto mix = [](std::uint64_t a, std::uint64_t b) {
    __extension__ typedef unsigned __int128 u128;
    const u128 r = static_cast<u128>(a) * b;
    return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
  };
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = mix(h ^ w, 0xE7037ED1A0B428DBULL);
  }
  std::uint64_t tail = 0;
  if (i < s.size()) std::memcpy(&tail, s.data() + i, s.size() - i);
  h = mix(h ^ tail, 0xA0761D6478BD642FULL);
  return mix(h, 0x8EBC6AF09C88C6E3ULL);
}

TEST(ShortTextHash, EqualsTheZeroPaddedTailAtEveryLength) {
  std::mt19937_64 rng(7);
  for (std::size_t n = 0; n <= 40; ++n) {
    for (int trial = 0; trial < 20; ++trial) {
      std::string s(n, '\0');
      for (auto& c : s) c = static_cast<char>(rng());  // bytes >= 0x80 too
      EXPECT_EQ(short_text_hash(s), reference_hash(s)) << "length " << n;
    }
  }
  EXPECT_EQ(short_text_hash(std::string_view()), reference_hash(std::string_view()));
  EXPECT_NE(short_text_hash("u0000000-bsp-00003"), short_text_hash("u0000000-bsp-00004"));
}

}  // namespace
}  // namespace finseg
