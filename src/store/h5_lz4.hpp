// The HDF5 LZ4 filter (registered filter id 32004), built into finseg and registered in-process,
// so that no HDF5 plugin has to be installed. Its chunk format is the one of the HDF Group's
// H5Zlz4.c plugin (docs/store-format.md 1.6), so files written with it can be read by any HDF5
// with that plugin (h5dump, h5py with hdf5plugin, ...), and the other way round:
//
//   8 bytes  original (unfiltered) chunk size, big-endian
//   4 bytes  block size, big-endian (the last block may be shorter)
//   per block: 4 bytes compressed size, big-endian, then the block; a block that does not get
//              smaller is stored raw, with compressed size == its uncompressed size.
//
// Parameters (cd_values) as H5Zlz4.c reads them: [0] block size (0: 1 GiB, i.e. one block per
// chunk), [1] encoder: below LZ4HC_CLEVEL_MIN (3 in liblz4 1.9.4) plain LZ4, from there to 12
// LZ4HC at that level. The level only changes the encoder: the blocks are LZ4 either way, read
// by every LZ4 decoder, equally fast.
#pragma once

#include <hdf5.h>

#include <cstddef>

namespace finseg::h5 {

inline constexpr H5Z_filter_t kLz4FilterId = 32004;

// The filter function itself (H5Z_func_t), exposed for the unit tests of the format.
std::size_t lz4_filter(unsigned flags, std::size_t cd_nelmts, const unsigned cd_values[], std::size_t nbytes,
                       std::size_t* buf_size, void** buf) noexcept;

// Encodes one chunk of `nbytes` at `data` as the filter does (the same bytes) into `out`, which
// has room for lz4_encode_bound() bytes: for writing chunks without HDF5's pipeline
// (H5Dwrite_chunk, h5_shard_write.cpp). Returns the encoded size, 0 on failure (as does the bound
// for a chunk the filter cannot encode).
std::size_t lz4_encode_bound(std::size_t cd_nelmts, const unsigned cd_values[], std::size_t nbytes) noexcept;
std::size_t lz4_encode_chunk(const void* data, std::size_t nbytes, std::size_t cd_nelmts, const unsigned cd_values[],
                             unsigned char* out) noexcept;

// Decodes one stored chunk (`nbytes` at `in`, the Fletcher32 checksum already removed) into
// `out`, with the same checks as the filter: false when the chunk is damaged or does not decode
// to exactly `out_bytes` bytes. For reading chunks without HDF5's pipeline (h5_direct_read.hpp).
bool lz4_decode_chunk(const void* in, std::size_t nbytes, void* out, std::size_t out_bytes) noexcept;

// Registers the filter with this process's HDF5 library, once (thread-safe; later calls only
// return the first call's result). False when HDF5 refused it.
bool register_lz4_filter() noexcept;

}  // namespace finseg::h5
