// Reading a whole one-dimensional dataset chunk by chunk, past HDF5's filter pipeline: each
// stored chunk is read as it is on disk (H5Dread_chunk) and its filters are undone here, straight
// into the caller's buffer. For the filter chains finseg writes (docs/store-format.md 1.6) this
// saves HDF5's chunk cache, its per-filter buffers and copies; the result is the same bytes
// H5Dread gives, with the same guarantees (Fletcher32 of every chunk verified, every size taken
// from the file checked before use). Anything else is left to H5Dread.
#pragma once

#include "store/h5_handle.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace finseg::h5 {

// HDF5's Fletcher32 (H5_checksum_fletcher32 in H5checksum.c: big-endian 16-bit words, an odd
// last byte as the high byte of a word, sums folded to 16 bits), computed faster. Exposed for
// the unit tests.
std::uint32_t fletcher32(const void* data, std::size_t bytes) noexcept;

class DirectReader {
 public:
  // A filter chain this reader undoes (the last filter is always Fletcher32).
  enum class Chain { other, fletcher32, lz4, shuffle_lz4 };
  // A dataset this reader decodes chunk by chunk (plan()); `what` names it in errors.
  struct Plan {
    hid_t dataset = H5I_INVALID_HID;
    Chain chain = Chain::other;
    std::size_t size = 0;         // bytes per element
    std::uint64_t n = 0;          // elements of the dataset
    std::uint64_t per_chunk = 0;  // elements per chunk
    std::string what;
    std::uint64_t chunks() const noexcept { return (n + per_chunk - 1) / per_chunk; }
  };

  // `file`: the open file the datasets are in (its size bounds the stored chunk sizes).
  DirectReader(hid_t file, const Context& ctx) : file_(file), ctx_(ctx) {}

  // Reads all `n` elements of the 1-D dataset `dataset` into `out` (room for n elements of the
  // file type's size), when its layout, filter chain and chunks are ones this reader handles and
  // `mem_type` equals the file type `file_type`: [fletcher32], [lz4, fletcher32] or
  // [shuffle, lz4, fletcher32], every chunk present and with all filters applied. Returns false
  // otherwise, having possibly written part of `out`: the caller then reads with H5Dread.
  // Throws StoreError naming `what` when a chunk is damaged.
  bool read(hid_t dataset, hid_t file_type, hid_t mem_type, std::uint64_t n, void* out, const std::string& what);

  // The same in steps: plan() says whether the dataset's layout and chain are ones this reader
  // handles (none: read it with H5Dread), read_chunk() decodes chunk `index` of it to `out` (room
  // for its valid values: per_chunk, fewer in the last chunk). read_chunk returns false for a
  // chunk HDF5 must read (not written, or a filter skipped); the caller then reads the whole
  // dataset with H5Dread.
  std::optional<Plan> plan(hid_t dataset, hid_t file_type, hid_t mem_type, std::uint64_t n, const std::string& what);
  bool read_chunk(const Plan& plan, std::uint64_t index, void* out);
  // The same, but a [shuffle, lz4, fletcher32] chunk is left shuffled: `out` (room for a whole
  // chunk, per_chunk * size bytes, also for the last one) gets its bytes as the shuffle filter
  // wrote them, byte b of value j at b * per_chunk + j; unshuffle_values() takes values out of it
  // later, straight to where they are used (a scan's block: one pass instead of unshuffling into
  // a window and copying out of it). Other chains decode as read_chunk does.
  bool read_chunk_shuffled(const Plan& plan, std::uint64_t index, void* out);

 private:
  bool read_chunk(const Plan& plan, std::uint64_t index, void* out, bool unshuffle);

  hid_t file_;
  const Context& ctx_;
  std::uint64_t file_size_ = 0;  // read on first use
  // Reused from dataset to dataset: a shard's reads need no allocation after the first chunk.
  std::vector<unsigned char> stored_;   // one chunk as stored
  std::vector<unsigned char> decoded_;  // one chunk after LZ4, before unshuffling or a partial copy
};

// Values [first, first + count) of a chunk left shuffled by read_chunk_shuffled (`per_chunk`
// values of `size` bytes) to `out`, as H5Zshuffle.c would have unshuffled them.
void unshuffle_values(const void* chunk, std::size_t per_chunk, std::size_t first, std::size_t count, std::size_t size,
                      void* out) noexcept;

}  // namespace finseg::h5
