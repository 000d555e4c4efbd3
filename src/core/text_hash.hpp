// A fast 64-bit hash of a short text (multiply-mix over 8-byte words): the import's id hash
// (buckets of the duplicate check, keys of the account map) and the counterpart names'
// dictionary of a shard. Not for untrusted keys in a long-lived table (not seeded); every user
// tells equal hashes of different texts apart.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace finseg {

inline std::uint64_t short_text_hash(std::string_view s) noexcept {
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
  // The last 1-7 bytes as a zero-padded little-endian word. From a text of 8 bytes or more, the
  // word ending at its end shifted down (one load: the copy of a variable length was a call to
  // memcpy and a store-forwarding stall, ~1/3 of the names dictionary's time); the same value.
  std::uint64_t tail = 0;
  const std::size_t rest = s.size() - i;
  if constexpr (std::endian::native != std::endian::little) {
    if (rest != 0) std::memcpy(&tail, s.data() + i, rest);
  } else if (rest != 0 && s.size() >= 8) {
    std::memcpy(&tail, s.data() + s.size() - 8, 8);
    tail >>= 8 * (8 - rest);
  } else {
    for (std::size_t k = 0; k < rest; ++k) tail |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[i + k])) << (8 * k);
  }
  h = mix(h ^ tail, 0xA0761D6478BD642FULL);
  return mix(h, 0x8EBC6AF09C88C6E3ULL);
}

}  // namespace finseg
