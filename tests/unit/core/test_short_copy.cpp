#include "core/short_copy.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace finseg {
namespace {

// copy_short and equal_short agree with memcpy and memcmp at every length of each of their paths
// (0-3, 4-7, 8-15, 16-32, 33-64 and beyond), a difference at any one byte found, nothing read or written
// outside [0, n) (the guard bytes around the texts stay as they were).
TEST(ShortCopy, CopiesAndComparesAsMemcpyAndMemcmpAtEveryLength) {
  for (std::size_t n = 0; n <= 70; ++n) {
    std::string src(n + 2, '#'), dst(n + 2, '-');
    for (std::size_t i = 0; i < n; ++i) src[i + 1] = static_cast<char>('a' + i % 26);
    copy_short(dst.data() + 1, src.data() + 1, n);
    EXPECT_EQ(dst.substr(1, n), src.substr(1, n)) << n;
    EXPECT_EQ(dst.front(), '-');
    EXPECT_EQ(dst.back(), '-');
    EXPECT_TRUE(equal_short(dst.data() + 1, src.data() + 1, n)) << n;  // the guards differ: not read
    for (std::size_t i = 0; i < n; ++i) {
      std::string other = src;
      other[i + 1] = 'Z';
      EXPECT_FALSE(equal_short(other.data() + 1, src.data() + 1, n)) << n << " at " << i;
      EXPECT_FALSE(equal_short(src.data() + 1, other.data() + 1, n)) << n << " at " << i;
    }
  }
}

}  // namespace
}  // namespace finseg
