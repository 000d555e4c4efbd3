// Copies of the short texts of a row (mostly 3-64 bytes): overlapping fixed-size copies of the
// first and last bytes, not a call to memcpy with a variable length (its call, dispatch and
// the caller's saved registers were ~20-30 instructions a text; a row has several). Writes exactly
// dst[0, n) and reads exactly src[0, n): the same bytes as memcpy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace finseg {

inline void copy_short(char* dst, const char* src, std::size_t n) noexcept {
  // 16-byte pieces (SSE2 loads and stores on x86-64) up to 64 bytes: a row's purpose is mostly
  // 33-64 bytes, and for it the call to memcpy was the shard writer's commonest call.
  struct Block {
    char bytes[16];
  };
  if (n > 64) {
    std::memcpy(dst, src, n);
  } else if (n >= 16) {
    Block a, b, c, d;
    std::memcpy(&a, src, 16);
    std::memcpy(&b, src + n - 16, 16);
    if (n > 32) {
      std::memcpy(&c, src + 16, 16);
      std::memcpy(&d, src + n - 32, 16);
      std::memcpy(dst + 16, &c, 16);
      std::memcpy(dst + n - 32, &d, 16);
    }
    std::memcpy(dst, &a, 16);
    std::memcpy(dst + n - 16, &b, 16);
  } else if (n >= 8) {
    std::uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else if (n > 0) {
    dst[0] = src[0];
    dst[n / 2] = src[n / 2];
    dst[n - 1] = src[n - 1];
  }
}

// Whether a[0, n) equals b[0, n), as memcmp(a, b, n) == 0, by the same overlapping fixed-size
// loads as copy_short for up to 32 bytes (the names dictionary's compare of a row's name with its
// entry: a call to memcmp was ~17 instructions a row). Reads exactly a[0, n) and b[0, n).
inline bool equal_short(const char* a, const char* b, std::size_t n) noexcept {
  const auto word = [](const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  };
  if (n > 32) return std::memcmp(a, b, n) == 0;
  if (n >= 8) {
    const std::uint64_t outer = (word(a) ^ word(b)) | (word(a + n - 8) ^ word(b + n - 8));
    if (n <= 16) return outer == 0;
    return (outer | (word(a + 8) ^ word(b + 8)) | (word(a + n - 16) ^ word(b + n - 16))) == 0;
  }
  if (n >= 4) {
    std::uint32_t a0, a1, b0, b1;
    std::memcpy(&a0, a, 4);
    std::memcpy(&a1, a + n - 4, 4);
    std::memcpy(&b0, b, 4);
    std::memcpy(&b1, b + n - 4, 4);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
}

}  // namespace finseg
