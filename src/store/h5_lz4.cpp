// The LZ4 filter of h5_lz4.hpp on top of liblz4. The decoder trusts nothing in the chunk: every
// size is checked against the bytes actually there before it is used (Fletcher32 runs first on
// reading, so a damaged chunk normally never gets here, but a file written by someone else might).
#include "store/h5_lz4.hpp"

#include <lz4.h>
#include <lz4hc.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>

namespace finseg::h5 {

namespace {

constexpr std::size_t kHeaderBytes = 12;
// H5Zlz4.c's default when no block size is given: in practice one block per chunk.
constexpr std::uint64_t kDefaultBlockSize = std::uint64_t{1} << 30;

void put_be32(unsigned char* p, std::uint32_t v) noexcept {
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<unsigned char>(v & 0xffu);
}
void put_be64(unsigned char* p, std::uint64_t v) noexcept {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<unsigned char>(v & 0xffu);
}
std::uint32_t get_be32(const unsigned char* p) noexcept {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | p[i];
  return v;
}
std::uint64_t get_be64(const unsigned char* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// Replaces HDF5's buffer with `out` of `size` valid bytes; returns the new size.
std::size_t hand_over(void* out, std::size_t out_bytes, std::size_t size, std::size_t* buf_size, void** buf) noexcept {
  H5free_memory(*buf);
  *buf = out;
  *buf_size = out_bytes;
  return size;
}

// One block, as H5Zlz4.c encodes it for its encoder parameter (cd_values[1]): from
// LZ4HC_CLEVEL_MIN on LZ4HC at that level (at most LZ4HC_CLEVEL_MAX), negative (as int) plain
// LZ4 with acceleration 1 - param, otherwise plain LZ4. Returns the compressed size, 0 on failure.
static_assert(LZ4HC_CLEVEL_MIN <= 3 && LZ4HC_CLEVEL_MAX >= 12, "ShardWriteOptions::lz4_level: 3-12 must be LZ4HC");

// LZ4HC through one state per thread, reset for each block instead of created for it:
// LZ4_compress_HC allocates a 256 KiB state per call and zeroes all of it (its hash and chain
// tables), for a chunk of 32-64 KiB (1.7 % of an import's instructions, docs/performance.md 6).
// LZ4_resetStreamHC_fast keeps the tables and moves the block's start past every entry in them,
// so nothing of an earlier block is ever in reach of a match: the same bytes as LZ4_compress_HC
// (tests/unit/store/h5_lz4_test.cpp compares them). The state is never freed: one per thread
// that writes shards, alive as long as the process may still write one (HDF5 closes files at
// exit, after thread_local destructors would have run).
int encode_block_hc(const char* src, char* dst, int n, int capacity, int level) noexcept {
  static thread_local LZ4_streamHC_t* state = LZ4_createStreamHC();
  if (!state) return LZ4_compress_HC(src, dst, n, capacity, level);
  LZ4_resetStreamHC_fast(state, level);
  return LZ4_compress_HC_continue(state, src, dst, n, capacity);
}

int encode_block(const char* src, char* dst, int n, int capacity, int param) noexcept {
  if (param >= LZ4HC_CLEVEL_MIN) return encode_block_hc(src, dst, n, capacity, std::min(param, LZ4HC_CLEVEL_MAX));
  if (param < 0) return LZ4_compress_fast(src, dst, n, capacity, param < -65536 ? 65537 : 1 - param);
  return LZ4_compress_default(src, dst, n, capacity);
}

// The block size H5Zlz4.c uses for a chunk of `nbytes` (cd_values[0], 0: one block).
std::uint64_t block_size(std::size_t cd_nelmts, const unsigned cd_values[], std::size_t nbytes) noexcept {
  const std::uint64_t block = cd_nelmts > 0 && cd_values[0] > 0 ? cd_values[0] : kDefaultBlockSize;
  return std::min<std::uint64_t>(block, nbytes);
}

std::size_t compress(std::size_t cd_nelmts, const unsigned cd_values[], std::size_t nbytes, std::size_t* buf_size,
                     void** buf) noexcept {
  const std::size_t capacity = lz4_encode_bound(cd_nelmts, cd_values, nbytes);
  if (capacity == 0) return 0;
  auto* out = static_cast<unsigned char*>(H5allocate_memory(capacity, false));
  if (!out) return 0;
  const std::size_t w = lz4_encode_chunk(*buf, nbytes, cd_nelmts, cd_values, out);
  if (w == 0) {
    H5free_memory(out);
    return 0;
  }
  return hand_over(out, capacity, w, buf_size, buf);
}

// The unfiltered size a chunk's header claims, 0 when the header is damaged. LZ4 expands at
// most ~255:1; a larger claim is a damaged header, not a reason to allocate.
std::uint64_t decoded_size(const unsigned char* in, std::size_t nbytes) noexcept {
  if (nbytes < kHeaderBytes) return 0;
  const std::uint64_t size = get_be64(in);
  if (get_be32(in + 8) == 0 || size / 256 > nbytes) return 0;
  return size;
}

// Decodes the blocks of a chunk whose header has passed decoded_size() into `out` (`size` bytes).
bool decode_blocks(const unsigned char* in, std::size_t nbytes, char* out, std::uint64_t size) noexcept {
  std::uint64_t block = std::min<std::uint64_t>(get_be32(in + 8), size);
  std::size_t r = kHeaderBytes;
  std::uint64_t done = 0;
  while (done < size) {
    const std::uint64_t n = std::min<std::uint64_t>(block, size - done);
    if (nbytes - r < 4) return false;
    const std::uint32_t c = get_be32(in + r);
    r += 4;
    if (c > nbytes - r) return false;
    if (c == n) {
      std::memcpy(out + done, in + r, static_cast<std::size_t>(n));
    } else if (LZ4_decompress_safe(reinterpret_cast<const char*>(in + r), out + done, static_cast<int>(c),
                                   static_cast<int>(n)) != static_cast<int>(n)) {
      return false;
    }
    r += c;
    done += n;
  }
  return r == nbytes;  // trailing bytes: H5Zlz4.c never writes them
}

std::size_t decompress(std::size_t nbytes, std::size_t* buf_size, void** buf) noexcept {
  const auto* in = static_cast<const unsigned char*>(*buf);
  const std::uint64_t size = decoded_size(in, nbytes);
  if (size == 0) return 0;
  auto* out = static_cast<char*>(H5allocate_memory(static_cast<std::size_t>(size), false));
  if (!out) return 0;
  if (!decode_blocks(in, nbytes, out, size)) {
    H5free_memory(out);
    return 0;
  }
  return hand_over(out, static_cast<std::size_t>(size), static_cast<std::size_t>(size), buf_size, buf);
}

const H5Z_class2_t kLz4Class = {
    H5Z_CLASS_T_VERS,
    kLz4FilterId,
    1,  // encoder present
    1,  // decoder present
    "HDF5 lz4 filter (H5Zlz4.c format, built into finseg)",
    nullptr,  // can_apply
    nullptr,  // set_local
    lz4_filter,
};

}  // namespace

std::size_t lz4_filter(unsigned flags, std::size_t cd_nelmts, const unsigned cd_values[], std::size_t nbytes,
                       std::size_t* buf_size, void** buf) noexcept {
  if (flags & H5Z_FLAG_REVERSE) return decompress(nbytes, buf_size, buf);
  return compress(cd_nelmts, cd_values, nbytes, buf_size, buf);
}

std::size_t lz4_encode_bound(std::size_t cd_nelmts, const unsigned cd_values[], std::size_t nbytes) noexcept {
  if (nbytes == 0 || nbytes > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE)) return 0;
  const std::uint64_t block = block_size(cd_nelmts, cd_values, nbytes);
  const int bound = LZ4_compressBound(static_cast<int>(block));
  if (bound <= 0) return 0;
  const std::size_t blocks = (nbytes - 1) / block + 1;
  return kHeaderBytes + blocks * (static_cast<std::size_t>(bound) + 4);
}

std::size_t lz4_encode_chunk(const void* data, std::size_t nbytes, std::size_t cd_nelmts, const unsigned cd_values[],
                             unsigned char* out) noexcept {
  if (lz4_encode_bound(cd_nelmts, cd_values, nbytes) == 0) return 0;
  const int param = cd_nelmts > 1 ? static_cast<int>(cd_values[1]) : 0;
  const std::uint64_t block = block_size(cd_nelmts, cd_values, nbytes);
  const int bound = LZ4_compressBound(static_cast<int>(block));
  put_be64(out, nbytes);
  put_be32(out + 8, static_cast<std::uint32_t>(block));
  const auto* in = static_cast<const char*>(data);
  std::size_t w = kHeaderBytes;
  for (std::size_t done = 0; done < nbytes;) {
    const std::size_t n = std::min<std::size_t>(block, nbytes - done);
    int c = encode_block(in + done, reinterpret_cast<char*>(out + w + 4), static_cast<int>(n), bound, param);
    if (c <= 0) return 0;
    if (static_cast<std::size_t>(c) >= n) {  // did not get smaller: stored raw
      std::memcpy(out + w + 4, in + done, n);
      c = static_cast<int>(n);
    }
    put_be32(out + w, static_cast<std::uint32_t>(c));
    w += 4 + static_cast<std::size_t>(c);
    done += n;
  }
  return w;
}

bool lz4_decode_chunk(const void* in, std::size_t nbytes, void* out, std::size_t out_bytes) noexcept {
  const auto* bytes = static_cast<const unsigned char*>(in);
  const std::uint64_t size = decoded_size(bytes, nbytes);
  return size != 0 && size == out_bytes && decode_blocks(bytes, nbytes, static_cast<char*>(out), size);
}

bool register_lz4_filter() noexcept {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = H5Zregister(&kLz4Class) >= 0; });
  return ok;
}

}  // namespace finseg::h5
