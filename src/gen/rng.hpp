// The generator's own PRNG and integer distributions. std::uniform_*_distribution is
// implementation-defined, so a store generated with libstdc++ and one with libc++ would differ;
// these helpers are plain integer arithmetic and give the same numbers everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace finseg::gen {

constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A well-mixed hash of two words: seeds per user, per contract, per counterpart.
constexpr std::uint64_t hash2(std::uint64_t a, std::uint64_t b) noexcept {
  std::uint64_t s = a * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL;
  s = splitmix64(s) ^ b;
  return splitmix64(s);
}

constexpr std::uint64_t hash_text(std::string_view text) noexcept {
  std::uint64_t h = 0xCBF29CE484222325ULL;  // FNV-1a
  for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return h;
}

// xoshiro256** (Blackman & Vigna), seeded through splitmix64.
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) noexcept { reseed(seed); }
  void reseed(std::uint64_t seed) noexcept {
    for (auto& word : s_) word = splitmix64(seed);
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n) for n > 0 (modulo bias below n / 2^64: irrelevant for a demo bank).
  std::uint64_t below(std::uint64_t n) noexcept { return next() % n; }
  std::size_t index(std::size_t n) noexcept { return static_cast<std::size_t>(below(n)); }
  // Uniform in [lo, hi].
  std::int64_t range(std::int64_t lo, std::int64_t hi) noexcept {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  int irange(int lo, int hi) noexcept { return static_cast<int>(range(lo, hi)); }
  // True with probability p / 1000.
  bool permille(int p) noexcept { return static_cast<int>(below(1000)) < p; }
  // Bell-shaped on [lo, hi]: the mean of three uniforms.
  std::int64_t bell(std::int64_t lo, std::int64_t hi) noexcept {
    return (range(lo, hi) + range(lo, hi) + range(lo, hi)) / 3;
  }
  // Skewed towards lo (the product of two uniforms): many small amounts, a few large ones.
  std::int64_t skewed(std::int64_t lo, std::int64_t hi) noexcept {
    const std::int64_t u = range(0, 1000) * range(0, 1000);
    return lo + (hi - lo) * u / 1000000;
  }
  template <class Container>
  const auto& pick(const Container& c) noexcept {
    return c[index(std::size(c))];
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

}  // namespace finseg::gen
