// The direct chunk read of h5_direct_read.hpp. HDF5's pipeline undone by hand, filter by filter
// as H5Zfletcher32.c, h5_lz4.cpp and H5Zshuffle.c do it on reading, so that the bytes are the
// ones H5Dread returns (test_direct_read.cpp compares the two for every filter chain).
#include "store/h5_direct_read.hpp"

#include "core/cpu_features.hpp"
#include "store/h5_lz4.hpp"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>  // AVX2 Fletcher32 and unshuffle, behind a run-time check
#endif

namespace finseg::h5 {

namespace {

constexpr std::size_t kFletcherBytes = 4;
// Larger chunks than any finseg writes (512 KiB) are left to HDF5 rather than buffered here.
constexpr std::uint64_t kMaxChunkBytes = std::uint64_t{1} << 26;

using Chain = DirectReader::Chain;

// Which of the chains this reader undoes the dataset has (finseg writes shuffle only for
// elements of more than one byte; its parameter must be the element size it unshuffles).
Chain filter_chain(hid_t dcpl, std::size_t element_size) {
  const int count = H5Pget_nfilters(dcpl);
  if (count < 1 || count > 3) return Chain::other;
  H5Z_filter_t ids[3];
  for (int i = 0; i < count; ++i) {
    unsigned flags = 0;
    unsigned config = 0;
    unsigned cd_values[8] = {};
    std::size_t cd_nelmts = 8;
    char name[64];
    ids[i] = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &cd_nelmts, cd_values, sizeof name, name, &config);
    if (ids[i] < 0) return Chain::other;
    if (ids[i] == H5Z_FILTER_SHUFFLE && (cd_nelmts != 1 || cd_values[0] != element_size)) return Chain::other;
  }
  if (ids[count - 1] != H5Z_FILTER_FLETCHER32) return Chain::other;
  if (count == 1) return Chain::fletcher32;
  if (ids[count - 2] != kLz4FilterId) return Chain::other;
  if (count == 2) return Chain::lz4;
  return ids[0] == H5Z_FILTER_SHUFFLE ? Chain::shuffle_lz4 : Chain::other;
}

std::uint32_t get_le32(const unsigned char* p) noexcept {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

#if defined(__x86_64__) && defined(__GNUC__)
// AVX2 code in functions of its own (target attribute), taken only when the CPU has it.
#define FINSEG_AVX2 1

// unshuffle_fixed's transpose for 32 elements at a time: the unpacks work within each 128-bit
// half, so the low halves hold elements j..j+15 as the SSE2 loop's registers do, the high halves
// elements j+16..j+31, and each pair of registers is stored as two 32-byte runs. Returns the
// elements done (a multiple of 32).
template <std::size_t S>
__attribute__((target("avx2"))) std::size_t unshuffle_avx2(const unsigned char* in, std::size_t stride,
                                                            std::size_t count, unsigned char* out) noexcept {
  static_assert(S == 4 || S == 8);
  std::size_t j = 0;
  for (; j + 32 <= count; j += 32) {
    __m256i p[S];
    for (std::size_t b = 0; b < S; ++b) p[b] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + b * stride + j));
    __m256i r[S];
    if constexpr (S == 4) {
      const __m256i a = _mm256_unpacklo_epi8(p[0], p[1]), b = _mm256_unpackhi_epi8(p[0], p[1]);
      const __m256i c = _mm256_unpacklo_epi8(p[2], p[3]), d = _mm256_unpackhi_epi8(p[2], p[3]);
      r[0] = _mm256_unpacklo_epi16(a, c);
      r[1] = _mm256_unpackhi_epi16(a, c);
      r[2] = _mm256_unpacklo_epi16(b, d);
      r[3] = _mm256_unpackhi_epi16(b, d);
    } else {
      const __m256i a01 = _mm256_unpacklo_epi8(p[0], p[1]), b01 = _mm256_unpackhi_epi8(p[0], p[1]);
      const __m256i a23 = _mm256_unpacklo_epi8(p[2], p[3]), b23 = _mm256_unpackhi_epi8(p[2], p[3]);
      const __m256i a45 = _mm256_unpacklo_epi8(p[4], p[5]), b45 = _mm256_unpackhi_epi8(p[4], p[5]);
      const __m256i a67 = _mm256_unpacklo_epi8(p[6], p[7]), b67 = _mm256_unpackhi_epi8(p[6], p[7]);
      const __m256i lo0 = _mm256_unpacklo_epi16(a01, a23), hi0 = _mm256_unpacklo_epi16(a45, a67);
      const __m256i lo1 = _mm256_unpackhi_epi16(a01, a23), hi1 = _mm256_unpackhi_epi16(a45, a67);
      const __m256i lo2 = _mm256_unpacklo_epi16(b01, b23), hi2 = _mm256_unpacklo_epi16(b45, b67);
      const __m256i lo3 = _mm256_unpackhi_epi16(b01, b23), hi3 = _mm256_unpackhi_epi16(b45, b67);
      r[0] = _mm256_unpacklo_epi32(lo0, hi0);
      r[1] = _mm256_unpackhi_epi32(lo0, hi0);
      r[2] = _mm256_unpacklo_epi32(lo1, hi1);
      r[3] = _mm256_unpackhi_epi32(lo1, hi1);
      r[4] = _mm256_unpacklo_epi32(lo2, hi2);
      r[5] = _mm256_unpackhi_epi32(lo2, hi2);
      r[6] = _mm256_unpacklo_epi32(lo3, hi3);
      r[7] = _mm256_unpackhi_epi32(lo3, hi3);
    }
    for (std::size_t k = 0; k < S; k += 2) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + j * S + 16 * k), _mm256_permute2x128_si256(r[k], r[k + 1], 0x20));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + (j + 16) * S + 16 * k),
                          _mm256_permute2x128_si256(r[k], r[k + 1], 0x31));
    }
  }
  return j;
}
#endif

// H5Zshuffle.c's reverse for the first `count` of the `stride` elements of a chunk: byte b of
// element j is at in[b * stride + j]. A chunk of whole elements has no leftover bytes.
template <std::size_t S>
void unshuffle_fixed(const unsigned char* in, std::size_t stride, std::size_t count, unsigned char* out) noexcept {
  std::size_t j = 0;
#if defined(FINSEG_AVX2)
  if constexpr (S == 4 || S == 8)
    if (cpu_has_avx2()) j = unshuffle_avx2<S>(in, stride, count, out);
#endif
#if defined(__SSE2__)
  // 16 elements at a time: 16 bytes from each byte plane, interleaved by unpacking (a transpose).
  const auto plane = [&](std::size_t b) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + b * stride + j));
  };
  const auto put = [&](std::size_t k, __m128i v) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + j * S + 16 * k), v);
  };
  for (; j + 16 <= count; j += 16) {
    if constexpr (S == 2) {
      const __m128i p0 = plane(0), p1 = plane(1);
      put(0, _mm_unpacklo_epi8(p0, p1));
      put(1, _mm_unpackhi_epi8(p0, p1));
    } else if constexpr (S == 4) {
      const __m128i a = _mm_unpacklo_epi8(plane(0), plane(1)), b = _mm_unpackhi_epi8(plane(0), plane(1));
      const __m128i c = _mm_unpacklo_epi8(plane(2), plane(3)), d = _mm_unpackhi_epi8(plane(2), plane(3));
      put(0, _mm_unpacklo_epi16(a, c));
      put(1, _mm_unpackhi_epi16(a, c));
      put(2, _mm_unpacklo_epi16(b, d));
      put(3, _mm_unpackhi_epi16(b, d));
    } else if constexpr (S == 8) {
      const __m128i a01 = _mm_unpacklo_epi8(plane(0), plane(1)), b01 = _mm_unpackhi_epi8(plane(0), plane(1));
      const __m128i a23 = _mm_unpacklo_epi8(plane(2), plane(3)), b23 = _mm_unpackhi_epi8(plane(2), plane(3));
      const __m128i a45 = _mm_unpacklo_epi8(plane(4), plane(5)), b45 = _mm_unpackhi_epi8(plane(4), plane(5));
      const __m128i a67 = _mm_unpacklo_epi8(plane(6), plane(7)), b67 = _mm_unpackhi_epi8(plane(6), plane(7));
      // bytes 0-3 and 4-7 of elements 0-3, 4-7, 8-11, 12-15
      const __m128i lo0 = _mm_unpacklo_epi16(a01, a23), hi0 = _mm_unpacklo_epi16(a45, a67);
      const __m128i lo1 = _mm_unpackhi_epi16(a01, a23), hi1 = _mm_unpackhi_epi16(a45, a67);
      const __m128i lo2 = _mm_unpacklo_epi16(b01, b23), hi2 = _mm_unpacklo_epi16(b45, b67);
      const __m128i lo3 = _mm_unpackhi_epi16(b01, b23), hi3 = _mm_unpackhi_epi16(b45, b67);
      put(0, _mm_unpacklo_epi32(lo0, hi0));
      put(1, _mm_unpackhi_epi32(lo0, hi0));
      put(2, _mm_unpacklo_epi32(lo1, hi1));
      put(3, _mm_unpackhi_epi32(lo1, hi1));
      put(4, _mm_unpacklo_epi32(lo2, hi2));
      put(5, _mm_unpackhi_epi32(lo2, hi2));
      put(6, _mm_unpacklo_epi32(lo3, hi3));
      put(7, _mm_unpackhi_epi32(lo3, hi3));
    } else {
      break;
    }
  }
#endif
  for (; j < count; ++j)
    for (std::size_t b = 0; b < S; ++b) out[j * S + b] = in[b * stride + j];
}

void unshuffle(const unsigned char* in, std::size_t stride, std::size_t count, std::size_t size,
               unsigned char* out) noexcept {
  switch (size) {
    case 1: std::memcpy(out, in, count); return;
    case 2: unshuffle_fixed<2>(in, stride, count, out); return;
    case 4: unshuffle_fixed<4>(in, stride, count, out); return;
    case 8: unshuffle_fixed<8>(in, stride, count, out); return;
    default:
      for (std::size_t j = 0; j < count; ++j)
        for (std::size_t b = 0; b < size; ++b) out[j * size + b] = in[b * stride + j];
  }
}

// Grows without shrinking: after a shard's first chunks, no allocation and no clearing.
unsigned char* room(std::vector<unsigned char>& buffer, std::size_t bytes) {
  if (buffer.size() < bytes) buffer.resize(bytes);
  return buffer.data();
}

#if defined(FINSEG_AVX2)
// Fletcher32's lane sums (see fletcher32 below) over `groups` groups of 16 big-endian words at
// `w`, in AVX2 registers: twice the words per instruction of the SSE2 loop. Returns the block's
// word sum and its weighted sum (sum of (16 * groups - i) * w_i). groups <= 256 keeps the 32-bit
// lane sums from overflowing, as in the SSE2 loop.
__attribute__((target("avx2"))) void fletcher32_groups_avx2(const unsigned char* w, std::size_t groups,
                                                             std::uint64_t& s, std::uint64_t& weighted) noexcept {
  const __m256i zero = _mm256_setzero_si256();
  __m256i sum_lo = zero, sum_hi = zero, acc_lo = zero, acc_hi = zero;
  for (std::size_t g = 0; g < groups; ++g, w += 32) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    v = _mm256_or_si256(_mm256_slli_epi16(v, 8), _mm256_srli_epi16(v, 8));  // big-endian words
    sum_lo = _mm256_add_epi32(sum_lo, _mm256_unpacklo_epi16(v, zero));
    sum_hi = _mm256_add_epi32(sum_hi, _mm256_unpackhi_epi16(v, zero));
    acc_lo = _mm256_add_epi32(acc_lo, sum_lo);
    acc_hi = _mm256_add_epi32(acc_hi, sum_hi);
  }
  alignas(32) std::uint32_t lane_sum[16];
  alignas(32) std::uint32_t lane_acc[16];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lane_sum), sum_lo);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lane_sum + 8), sum_hi);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lane_acc), acc_lo);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lane_acc + 8), acc_hi);
  // The unpacks work within each 128-bit half: lane k holds the word at this position of a group.
  static constexpr std::uint64_t kPosition[16] = {0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15};
  s = 0;
  weighted = 0;
  for (std::size_t l = 0; l < 16; ++l) {
    s += lane_sum[l];
    weighted += 16 * std::uint64_t{lane_acc[l]} - kPosition[l] * std::uint64_t{lane_sum[l]};
  }
}

#endif

}  // namespace

std::uint32_t fletcher32(const void* data, std::size_t bytes) noexcept {
  // HDF5 adds the words one by one and folds both sums to 16 bits every 360 words; folding keeps
  // them congruent modulo 65535 and keeps a positive sum positive. So its result is each sum
  // modulo 65535, except that a positive multiple of 65535 ends up as 65535, not 0. That allows
  // summing in any order: over a block of k words sum1 gains S = sum w_i and sum2 gains
  // k * sum1 + sum (k - i) * w_i. The block is taken in groups of kLanes words; per lane l,
  // lane_sum[l] is its words' sum and lane_acc[l] the sum of lane_sum[l] after each group, so
  // that sum (k - i) * w_i = kLanes * sum lane_acc[l] - sum l * lane_sum[l]: additions only,
  // which the compiler vectorises.
  const auto* p = static_cast<const unsigned char*>(data);
  constexpr std::uint64_t kModulus = 65535;
  constexpr std::size_t kLanes = 8;
  constexpr std::size_t kGroups = 256;  // keeps lane_acc below 2^32
  const std::size_t words = bytes / 2;
  std::uint64_t sum1 = 0;
  std::uint64_t sum2 = 0;
  bool positive = false;
  const auto add_block = [&](std::uint64_t k, std::uint64_t s, std::uint64_t weighted) {
    sum2 = (sum2 + k * sum1 + weighted) % kModulus;
    sum1 = (sum1 + s) % kModulus;
    positive = positive || s != 0;
  };
  std::size_t at = 0;
#if defined(FINSEG_AVX2)
  if (cpu_has_avx2())
    for (; words - at >= 2 * kLanes;) {
      const std::size_t groups = std::min(kGroups, (words - at) / (2 * kLanes));
      std::uint64_t s = 0;
      std::uint64_t weighted = 0;
      fletcher32_groups_avx2(p + 2 * at, groups, s, weighted);
      add_block(groups * 2 * kLanes, s, weighted);
      at += groups * 2 * kLanes;
    }
#endif
  for (; words - at >= kLanes;) {
    const std::size_t groups = std::min(kGroups, (words - at) / kLanes);
    alignas(16) std::uint32_t lane_sum[kLanes] = {};
    alignas(16) std::uint32_t lane_acc[kLanes] = {};
    const unsigned char* w = p + 2 * at;
#if defined(__SSE2__)
    // The same as the loop below, 8 lanes of 32 bits in two registers each.
    const __m128i zero = _mm_setzero_si128();
    __m128i sum_lo = zero, sum_hi = zero, acc_lo = zero, acc_hi = zero;
    for (std::size_t g = 0; g < groups; ++g, w += 2 * kLanes) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w));
      v = _mm_or_si128(_mm_slli_epi16(v, 8), _mm_srli_epi16(v, 8));  // big-endian words
      sum_lo = _mm_add_epi32(sum_lo, _mm_unpacklo_epi16(v, zero));
      sum_hi = _mm_add_epi32(sum_hi, _mm_unpackhi_epi16(v, zero));
      acc_lo = _mm_add_epi32(acc_lo, sum_lo);
      acc_hi = _mm_add_epi32(acc_hi, sum_hi);
    }
    _mm_store_si128(reinterpret_cast<__m128i*>(lane_sum), sum_lo);
    _mm_store_si128(reinterpret_cast<__m128i*>(lane_sum + 4), sum_hi);
    _mm_store_si128(reinterpret_cast<__m128i*>(lane_acc), acc_lo);
    _mm_store_si128(reinterpret_cast<__m128i*>(lane_acc + 4), acc_hi);
#else
    for (std::size_t g = 0; g < groups; ++g, w += 2 * kLanes)
      for (std::size_t l = 0; l < kLanes; ++l) {
        lane_sum[l] += static_cast<std::uint32_t>(w[2 * l]) << 8 | w[2 * l + 1];
        lane_acc[l] += lane_sum[l];
      }
#endif
    std::uint64_t s = 0;
    std::uint64_t weighted = 0;
    for (std::size_t l = 0; l < kLanes; ++l) {
      s += lane_sum[l];
      weighted += kLanes * std::uint64_t{lane_acc[l]} - l * std::uint64_t{lane_sum[l]};
    }
    add_block(groups * kLanes, s, weighted);
    at += groups * kLanes;
  }
  for (; at < words; ++at) {  // the last few words, one by one
    const std::uint64_t word = std::uint64_t{p[2 * at]} << 8 | p[2 * at + 1];
    add_block(1, word, word);
  }
  if (bytes % 2) {  // an odd last byte counts as the high byte of a word
    const std::uint64_t word = std::uint64_t{p[bytes - 1]} << 8;
    add_block(1, word, word);
  }
  if (positive) {  // then both of HDF5's sums are positive
    if (sum1 == 0) sum1 = kModulus;
    if (sum2 == 0) sum2 = kModulus;
  }
  return static_cast<std::uint32_t>(sum2 << 16 | sum1);
}

std::optional<DirectReader::Plan> DirectReader::plan(hid_t dataset, hid_t file_type, hid_t mem_type, std::uint64_t n,
                                                    const std::string& what) {
  // The caller's memory type is a native one; only when it is the file type exactly do the
  // stored bytes need no conversion.
  if (H5Tequal(file_type, mem_type) <= 0) return std::nullopt;
  const std::size_t size = H5Tget_size(file_type);
  if (size == 0) return std::nullopt;
  PropList dcpl = make<PropList>(H5Dget_create_plist(dataset), ctx_, "reading the creation properties of " + what);
  if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED) return std::nullopt;
  hsize_t dims[1] = {0};
  if (H5Pget_chunk(dcpl.get(), 1, dims) != 1 || dims[0] == 0 || dims[0] > kMaxChunkBytes / size) return std::nullopt;
  const Chain chain = filter_chain(dcpl.get(), size);
  if (chain == Chain::other) return std::nullopt;
  if (file_size_ == 0) {
    hsize_t bytes = 0;
    check(H5Fget_filesize(file_, &bytes), ctx_, "reading the file size");
    file_size_ = bytes;
  }
  return Plan{dataset, chain, size, n, dims[0], what};
}

bool DirectReader::read(hid_t dataset, hid_t file_type, hid_t mem_type, std::uint64_t n, void* out,
                        const std::string& what) {
  const std::optional<Plan> p = plan(dataset, file_type, mem_type, n, what);
  if (!p) return false;
  auto* dest = static_cast<unsigned char*>(out);
  for (std::uint64_t index = 0; index < p->chunks(); ++index)
    if (!read_chunk(*p, index, dest + static_cast<std::size_t>(index * p->per_chunk) * p->size)) return false;
  return true;
}

void unshuffle_values(const void* chunk, std::size_t per_chunk, std::size_t first, std::size_t count, std::size_t size,
                      void* out) noexcept {
  // Byte b of value first + j is at b * per_chunk + first + j: the planes read from `first` on.
  unshuffle(static_cast<const unsigned char*>(chunk) + first, per_chunk, count, size, static_cast<unsigned char*>(out));
}

bool DirectReader::read_chunk(const Plan& p, std::uint64_t index, void* out) { return read_chunk(p, index, out, true); }

bool DirectReader::read_chunk_shuffled(const Plan& p, std::uint64_t index, void* out) {
  return read_chunk(p, index, out, false);
}

bool DirectReader::read_chunk(const Plan& p, std::uint64_t index, void* out, bool unshuffle_now) {
  const std::uint64_t per_chunk = p.per_chunk;
  const std::uint64_t n = p.n;
  const std::size_t size = p.size;
  const Chain chain = p.chain;
  const hid_t dataset = p.dataset;
  const std::string& what = p.what;
  const std::size_t chunk_bytes = static_cast<std::size_t>(per_chunk) * size;
  const std::uint64_t first = index * per_chunk;
  // The chunk's name only for an error message: no string is built per chunk that reads well.
  const auto chunk = [&] { return "chunk " + std::to_string(first / per_chunk) + " of " + what; };
  const hsize_t coord[1] = {first};
  // The stored size by a lookup of the chunk in its index. (H5Dget_chunk_info_by_coord would
  // also give the filter mask, but HDF5 1.10 finds the chunk by iterating over the whole index:
  // quadratic in the chunks of a dataset, 61M instructions per run with 8,192-value chunks.)
  hsize_t stored = 0;
  if (H5Dget_chunk_storage_size(dataset, coord, &stored) < 0) check(-1, ctx_, "locating " + chunk());
  // A chunk not written: HDF5 knows what to do with it (a chunk with a filter skipped is
  // recognised by H5Dread_chunk's mask below).
  if (stored == 0) return false;
  if (stored < kFletcherBytes || stored > file_size_)
    fail(ctx_, chunk() + " claims " + std::to_string(stored) + " stored bytes in a file of " +
                   std::to_string(file_size_));
  unsigned char* in = room(stored_, static_cast<std::size_t>(stored));
  std::uint32_t read_mask = 0;
  if (H5Dread_chunk(dataset, H5P_DEFAULT, coord, &read_mask, in) < 0) check(-1, ctx_, "reading " + chunk());
  if (read_mask != 0) return false;

  // Fletcher32 first, over the bytes as stored, like HDF5: a damaged chunk is reported as
  // such, never as a decompression error. H5Zfletcher32.c stores the sum little-endian and
  // also accepts it with the bytes of each 16-bit half swapped (HDF5 before 1.6.3).
  const std::size_t payload = static_cast<std::size_t>(stored) - kFletcherBytes;
  const std::uint32_t expected = get_le32(in + payload);
  const std::uint32_t sum = fletcher32(in, payload);
  const std::uint32_t swapped = (sum & 0x00ff00ffu) << 8 | (sum >> 8 & 0x00ff00ffu);
  if (expected != sum && expected != swapped)
    fail(ctx_, "reading " + chunk() + ": data error detected by Fletcher32 checksum");

  const std::size_t valid = static_cast<std::size_t>(std::min(per_chunk, n - first)) * size;
  auto* target = static_cast<unsigned char*>(out);
  switch (chain) {
    case Chain::fletcher32:
      if (payload != chunk_bytes)
        fail(ctx_, chunk() + " holds " + std::to_string(payload) + " bytes, expected " + std::to_string(chunk_bytes));
      std::memcpy(target, in, valid);
      break;
    case Chain::lz4:
    case Chain::shuffle_lz4: {
      // Even the last chunk of a dataset is stored whole: a partial one, or one to unshuffle,
      // is decoded aside and only its valid elements copied.
      // A chunk left shuffled is decoded whole straight into `out` (it has room for it).
      const bool shuffled = chain == Chain::shuffle_lz4 && !unshuffle_now;
      const bool aside = !shuffled && (chain == Chain::shuffle_lz4 || valid != chunk_bytes);
      unsigned char* decoded = aside ? room(decoded_, chunk_bytes) : target;
      if (!lz4_decode_chunk(in, payload, decoded, chunk_bytes))
        fail(ctx_, "reading " + chunk() + ": damaged LZ4 block or header (not " + std::to_string(chunk_bytes) +
                       " bytes after decoding)");
      if (shuffled) break;
      if (chain == Chain::shuffle_lz4)
        unshuffle(decoded, static_cast<std::size_t>(per_chunk), valid / size, size, target);
      else if (aside)
        std::memcpy(target, decoded, valid);
      break;
    }
    case Chain::other:
      return false;
  }
  return true;
}

}  // namespace finseg::h5
