// The folding of "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction"
// (Gopal et al., Intel, 2009) with the constants of the reflected gzip polynomial, as in the
// Linux kernel's crc32-pclmul and Chromium's zlib (crc32_simd.c): four 128-bit lanes folded 64
// bytes at a time, then into one lane, then to 64 and by Barrett reduction to 32 bits. The bytes
// it leaves (fewer than 16, or all of a buffer shorter than 64) go through zlib.
#include "io/crc32.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define FINSEG_PCLMUL 1
#endif

namespace finseg {

namespace {

std::uint32_t crc32_zlib(std::uint32_t crc, const unsigned char* p, std::size_t n) noexcept {
  uLong c = crc;
  while (n > 0) {
    const auto step = static_cast<uInt>(std::min<std::size_t>(n, std::numeric_limits<uInt>::max()));
    c = crc32(c, p, step);
    p += step;
    n -= step;
  }
  return static_cast<std::uint32_t>(c);
}

#if defined(FINSEG_PCLMUL)
bool has_pclmul() noexcept {
  static const bool yes = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return yes;
}

__m128i load(const unsigned char* q) noexcept { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q)); }

// One lane folded forward over 128 bits (by k) and the next 16 bytes added.
__attribute__((target("pclmul,sse4.1"))) inline __m128i fold(__m128i x, __m128i k, __m128i next) noexcept {
  return _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x11), _mm_clmulepi64_si128(x, k, 0x00)), next);
}

// `n` (>= 64, a multiple of 16) bytes at `p` into the inverted CRC `crc` (~ of zlib's value).
__attribute__((target("pclmul,sse4.1"))) std::uint32_t crc32_fold(std::uint32_t crc, const unsigned char* p,
                                                                    std::size_t n) noexcept {
  alignas(16) static constexpr std::uint64_t k1k2[2] = {0x0154442bd4, 0x01c6e41596};
  alignas(16) static constexpr std::uint64_t k3k4[2] = {0x01751997d0, 0x00ccaa009e};
  alignas(16) static constexpr std::uint64_t k5k0[2] = {0x0163cd6124, 0x0000000000};
  alignas(16) static constexpr std::uint64_t poly[2] = {0x01db710641, 0x01f7011641};
  __m128i x1 = _mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(crc)));
  __m128i x2 = load(p + 16), x3 = load(p + 32), x4 = load(p + 48);
  p += 64;
  n -= 64;
  __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(k1k2));
  for (; n >= 64; p += 64, n -= 64) {
    x1 = fold(x1, k, load(p));
    x2 = fold(x2, k, load(p + 16));
    x3 = fold(x3, k, load(p + 32));
    x4 = fold(x4, k, load(p + 48));
  }
  k = _mm_load_si128(reinterpret_cast<const __m128i*>(k3k4));
  x1 = fold(x1, k, x2);
  x1 = fold(x1, k, x3);
  x1 = fold(x1, k, x4);
  for (; n >= 16; p += 16, n -= 16) x1 = fold(x1, k, load(p));
  // 128 bits to 64.
  const __m128i mask32 = _mm_setr_epi32(~0, 0, ~0, 0);
  __m128i x = _mm_xor_si128(_mm_srli_si128(x1, 8), _mm_clmulepi64_si128(x1, k, 0x10));
  const __m128i k5 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(k5k0));
  x = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x, mask32), k5, 0x00), _mm_srli_si128(x, 4));
  // Barrett reduction to 32 bits.
  const __m128i pm = _mm_load_si128(reinterpret_cast<const __m128i*>(poly));
  __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x, mask32), pm, 0x10);
  t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), pm, 0x00);
  return static_cast<std::uint32_t>(_mm_extract_epi32(_mm_xor_si128(x, t), 1));
}
#endif

}  // namespace

std::uint32_t crc32_update(std::uint32_t crc, const void* data, std::size_t n) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
#if defined(FINSEG_PCLMUL)
  if (n >= 64 && has_pclmul()) {
    const std::size_t folded = n & ~std::size_t{15};
    crc = ~crc32_fold(~crc, p, folded);
    p += folded;
    n -= folded;
  }
#endif
  return crc32_zlib(crc, p, n);
}

}  // namespace finseg
