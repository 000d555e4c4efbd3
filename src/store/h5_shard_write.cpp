// Writing a shard file: one chunked, Fletcher32-protected dataset per column.
// Byte-identical output for identical input: no object timestamps anywhere (file creation
// list for the root group, group and dataset creation lists), fixed library format bounds,
// no fill values, and every object written in the same order.
#include "store/h5_attributes.hpp"
#include "store/h5_direct_read.hpp"
#include "store/h5_layout.hpp"
#include "store/h5_lz4.hpp"
#include "store/h5_shard.hpp"
#include "store/name_dictionary.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace finseg::h5 {

namespace {

namespace L = h5layout;

// How a column may be compressed: szip only encodes integers (and needs a chunk of at least
// one block of pixels); shuffle is pointless for one-byte elements; a string column's bytes and
// offsets (`text`, integers too) take ShardWriteOptions::text_lz4_level.
enum class Element { integer, fixed_string, text };

constexpr unsigned kSzipPixelsPerBlock = 32;

// The 22 datasets of h5layout::kDatasets, in that order: what each holds.
// bytes and offsets: a string column (text level of LZ4, see Element::text). The names' ids are
// numeric (shuffle and the numeric level: read by every insuranceSpending scan).
enum class Kind { bytes, offsets, i64, i32, u8, u32, u64, currency };
constexpr std::array<Kind, ShardColumns::kCount> kKinds = {
    Kind::bytes, Kind::offsets, Kind::i64,                                             // users
    Kind::bytes, Kind::offsets, Kind::u8, Kind::currency, Kind::i64, Kind::i32, Kind::i64,  // accounts
    Kind::bytes, Kind::offsets, Kind::i32, Kind::i64, Kind::u64,                        // transactions
    Kind::bytes, Kind::offsets, Kind::u32, Kind::bytes, Kind::offsets, Kind::bytes, Kind::offsets,
};
static_assert(std::size(L::kDatasets) == ShardColumns::kCount);

// Each H5Dwrite covers whole chunks of about this many bytes: the slabs depend only on the chunk
// size, so a column from memory and the same column from a spool file are written alike.
constexpr std::uint64_t kSlabBytes = std::uint64_t{8} << 20;

// H5Zshuffle.c's forward transform of a chunk of `count` elements of S bytes: byte b of element j
// goes to b * count + j (a chunk of one element stays as it is, as there).
template <std::size_t S>
void shuffle_tail(const unsigned char* in, std::size_t from, std::size_t count, unsigned char* out) noexcept {
  for (std::size_t j = from; j < count; ++j)
    for (std::size_t b = 0; b < S; ++b) out[b * count + j] = in[j * S + b];
}
template <std::size_t S>
void shuffle_fixed(const unsigned char* in, std::size_t count, unsigned char* out) noexcept {
  shuffle_tail<S>(in, 0, count, out);
}

#if defined(__SSE2__)
// The same transform for 16 elements at a time, transposed in SSE2 registers (the scalar loop
// stored one byte per instruction pair: ~2.5 instructions per byte, ~4 % of the shards phase's
// instructions; this ~0.5): 16 elements of 8 bytes are 8 vectors of 2 elements, unpacked by
// bytes, words, double words and quad words into the 8 planes of 16 bytes each. Elements past
// the last multiple of 16 go through shuffle_fixed's loop.
std::size_t shuffle8_sse2(const unsigned char* in, std::size_t count, unsigned char* out) noexcept {
  const std::size_t whole = count - count % 16;
  for (std::size_t j = 0; j < whole; j += 16) {
    __m128i a[8], b[8];
    for (int k = 0; k < 8; ++k) {
      a[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + j * 8 + static_cast<std::size_t>(k) * 16));
      b[k] = _mm_unpacklo_epi8(a[k], _mm_shuffle_epi32(a[k], 0x4e));  // the vector's 2 elements, byte by byte
    }
    for (int k = 0; k < 4; ++k) {
      a[2 * k] = _mm_unpacklo_epi16(b[2 * k], b[2 * k + 1]);
      a[2 * k + 1] = _mm_unpackhi_epi16(b[2 * k], b[2 * k + 1]);
    }
    for (int k = 0, l = 0; k < 4; ++k, ++l) {
      if (k == 2) l += 2;
      b[2 * k] = _mm_unpacklo_epi32(a[l], a[l + 2]);
      b[2 * k + 1] = _mm_unpackhi_epi32(a[l], a[l + 2]);
    }
    for (int k = 0; k < 4; ++k) {
      a[2 * k] = _mm_unpacklo_epi64(b[k], b[k + 4]);
      a[2 * k + 1] = _mm_unpackhi_epi64(b[k], b[k + 4]);
    }
    for (int k = 0; k < 8; ++k) _mm_storeu_si128(reinterpret_cast<__m128i*>(out + j + static_cast<std::size_t>(k) * count), a[k]);
  }
  return whole;
}

// 16 elements of 4 bytes: 4 vectors of 4 elements into the 4 planes of 16 bytes.
std::size_t shuffle4_sse2(const unsigned char* in, std::size_t count, unsigned char* out) noexcept {
  const std::size_t whole = count - count % 16;
  for (std::size_t j = 0; j < whole; j += 16) {
    __m128i a[4], b[4];
    for (int k = 0; k < 4; ++k) {
      a[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + j * 4 + static_cast<std::size_t>(k) * 16));
      b[k] = _mm_shuffle_epi32(a[k], 0xd8);
      a[k] = _mm_shuffle_epi32(a[k], 0x8d);
      a[k] = _mm_unpacklo_epi8(b[k], a[k]);
      b[k] = _mm_shuffle_epi32(a[k], 0x4e);
      a[k] = _mm_unpacklo_epi16(a[k], b[k]);  // the vector's 4 elements, plane by plane (4 bytes each)
    }
    for (int k = 0; k < 2; ++k) {
      b[2 * k] = _mm_unpacklo_epi32(a[2 * k], a[2 * k + 1]);
      b[2 * k + 1] = _mm_unpackhi_epi32(a[2 * k], a[2 * k + 1]);
    }
    for (int k = 0; k < 2; ++k) {
      a[2 * k] = _mm_unpacklo_epi64(b[k], b[k + 2]);
      a[2 * k + 1] = _mm_unpackhi_epi64(b[k], b[k + 2]);
    }
    for (int k = 0; k < 4; ++k) _mm_storeu_si128(reinterpret_cast<__m128i*>(out + j + static_cast<std::size_t>(k) * count), a[k]);
  }
  return whole;
}
#endif

void shuffle(const unsigned char* in, std::size_t size, std::size_t count, unsigned char* out) noexcept {
  switch (size) {
    case 2: return shuffle_fixed<2>(in, count, out);
    case 3: return shuffle_fixed<3>(in, count, out);
#if defined(__SSE2__)
    case 4: return shuffle_tail<4>(in, shuffle4_sse2(in, count, out), count, out);
    case 8: return shuffle_tail<8>(in, shuffle8_sse2(in, count, out), count, out);
#else
    case 4: return shuffle_fixed<4>(in, count, out);
    case 8: return shuffle_fixed<8>(in, count, out);
#endif
    default:
      for (std::size_t j = 0; j < count; ++j)
        for (std::size_t b = 0; b < size; ++b) out[b * count + j] = in[j * size + b];
  }
}

// The filter chain of a dataset when finseg applies it itself and hands HDF5 the stored chunks
// (H5Dwrite_chunk): [shuffle,] [lz4,] fletcher32, as creation_list() declares them. Through
// H5Dwrite HDF5 copied every chunk into its chunk cache (after clearing it), ran the filters
// there, each into a new buffer, and Fletcher32 copied the chunk once more to append its sum
// (docs/performance.md 6). The deflate and szip chains still go through H5Dwrite.
struct DirectChain {
  bool shuffle = false;
  bool lz4 = false;
  unsigned lz4_params[2] = {0, 0};
};

class ShardWriter {
 public:
  ShardWriter(hid_t file, const ShardWriteOptions& options, const Context& ctx)
      : file_(file), options_(options), ctx_(ctx) {}

  void group(const char* name) {
    PropList gcpl = make<PropList>(H5Pcreate(H5P_GROUP_CREATE), ctx_, "creating a group property list");
    check(H5Pset_obj_track_times(gcpl.get(), false), ctx_, "switching off group timestamps");
    Group g = make<Group>(H5Gcreate2(file_, name, H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), ctx_,
                          std::string("creating group /") + name);
    g.close(ctx_);
  }

  void column(std::size_t i, std::uint64_t n, ColumnSource& source, int format_version) {
    const char* path = L::kDatasets[i];
    if (format_version < 2 && i >= L::kFirstNameDataset && i <= L::kNameIdDataset) {
      if (i == L::kNameIdDataset) return;
      path = L::kNamesV1[i - L::kFirstNameDataset];
    }
    switch (kKinds[i]) {
      // Bytes get chunks of about the same size in bytes as an int64 column's chunks.
      case Kind::bytes:
        return dataset(path, H5T_STD_U8LE, H5T_NATIVE_UINT8, source, n, options_.chunk_elements * 8, Element::text);
      case Kind::offsets:
        return dataset(path, H5T_STD_I64LE, H5T_NATIVE_INT64, source, n, options_.chunk_elements, Element::text);
      case Kind::i64:
        return dataset(path, H5T_STD_I64LE, H5T_NATIVE_INT64, source, n, options_.chunk_elements, Element::integer);
      case Kind::i32:
        return dataset(path, H5T_STD_I32LE, H5T_NATIVE_INT32, source, n, options_.chunk_elements, Element::integer);
      case Kind::u8:
        return dataset(path, H5T_STD_U8LE, H5T_NATIVE_UINT8, source, n, options_.chunk_elements, Element::integer);
      case Kind::u32:
        return dataset(path, H5T_STD_U32LE, H5T_NATIVE_UINT32, source, n, options_.chunk_elements, Element::integer);
      case Kind::u64:
        return dataset(path, H5T_STD_U64LE, H5T_NATIVE_UINT64, source, n, options_.chunk_elements, Element::integer);
      case Kind::currency: {
        static_assert(sizeof(Currency) == 3, "Currency must be 3 packed chars");
        Datatype type = make<Datatype>(H5Tcopy(H5T_C_S1), ctx_, "copying the string type");
        check(H5Tset_size(type.get(), 3), ctx_, "setting the currency string size");
        check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), ctx_, "setting the currency string padding");
        return dataset(path, type.get(), type.get(), source, n, options_.chunk_elements, Element::fixed_string);
      }
    }
  }

 private:
  PropList creation_list(const std::string& what, const hsize_t chunk[1], std::size_t element_size, Element element) {
    PropList dcpl = make<PropList>(H5Pcreate(H5P_DATASET_CREATE), ctx_, "creating the creation list of " + what);
    check(H5Pset_obj_track_times(dcpl.get(), false), ctx_, "switching off timestamps of " + what);
    check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), ctx_, "switching off fill values of " + what);
    check(H5Pset_chunk(dcpl.get(), 1, chunk), ctx_, "chunking " + what);
    switch (options_.filter) {
      case ShardWriteOptions::Filter::none:
        break;
      case ShardWriteOptions::Filter::shuffle_deflate:
        if (element_size > 1) check(H5Pset_shuffle(dcpl.get()), ctx_, "adding the shuffle filter to " + what);
        [[fallthrough]];
      case ShardWriteOptions::Filter::deflate:
        check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(options_.deflate_level)), ctx_,
              "adding the deflate filter to " + what);
        break;
      case ShardWriteOptions::Filter::szip:
        if (element != Element::fixed_string && chunk[0] >= kSzipPixelsPerBlock)
          check(H5Pset_szip(dcpl.get(), H5_SZIP_NN_OPTION_MASK, kSzipPixelsPerBlock), ctx_,
                "adding the szip filter to " + what);
        break;
      case ShardWriteOptions::Filter::shuffle_lz4:
        if (element_size > 1) check(H5Pset_shuffle(dcpl.get()), ctx_, "adding the shuffle filter to " + what);
        [[fallthrough]];
      case ShardWriteOptions::Filter::lz4: {
        // H5Zlz4.c's parameters: the default block size (0: 1 GiB, i.e. one LZ4 block per
        // chunk) and the level, so that the file says how it was compressed.
        const int level = element == Element::text ? options_.text_lz4_level : options_.lz4_level;
        const unsigned params[2] = {0, static_cast<unsigned>(level)};
        check(H5Pset_filter(dcpl.get(), kLz4FilterId, H5Z_FLAG_MANDATORY, 2, params), ctx_,
              "adding the lz4 filter to " + what);
        break;
      }
    }
    // Last in the pipeline: the checksum covers the stored (compressed) bytes and is checked
    // first on reading, so a damaged chunk is reported as such, not as a decompression error.
    check(H5Pset_fletcher32(dcpl.get()), ctx_, "adding the Fletcher32 filter to " + what);
    return dcpl;
  }

  void dataset(const char* path, hid_t file_type, hid_t mem_type, ColumnSource& source, std::uint64_t n,
               std::uint64_t chunk_target, Element element) {
    const std::string what = std::string("dataset ") + path;
    // A zero-length dataset still has to be chunked (for the filters); HDF5 wants chunk
    // dimensions > 0 and <= the maximum size, so it gets an unlimited maximum size.
    const hsize_t dims[1] = {n};
    const hsize_t maxdims[1] = {n == 0 ? H5S_UNLIMITED : n};
    const hsize_t chunk[1] = {std::max<hsize_t>(1, std::min<hsize_t>(n, std::max<std::uint64_t>(chunk_target, 1)))};
    Dataspace space = make<Dataspace>(H5Screate_simple(1, dims, maxdims), ctx_, "creating the dataspace of " + what);
    const std::size_t element_size = H5Tget_size(file_type);
    PropList dcpl = creation_list(what, chunk, element_size, element);
    Dataset ds = make<Dataset>(H5Dcreate2(file_, path, file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                               ctx_, "creating " + what);
    const hsize_t slab = chunk[0] * std::max<hsize_t>(1, kSlabBytes / (chunk[0] * element_size));
    if (const std::optional<DirectChain> chain = direct_chain(element_size, element)) {
      for (hsize_t at = 0; at < n; at += slab) {
        const hsize_t count = std::min<hsize_t>(slab, n - at);
        write_chunks(ds.get(), what, *chain, static_cast<const unsigned char*>(source.next(count)), at, count, chunk[0], element_size);
      }
      ds.close(ctx_);
      return;
    }
    for (hsize_t at = 0; at < n; at += slab) {
      const hsize_t start[1] = {at};
      const hsize_t count[1] = {std::min<hsize_t>(slab, n - at)};
      Dataspace memory = make<Dataspace>(H5Screate_simple(1, count, nullptr), ctx_, "creating a slab's dataspace of " + what);
      check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), ctx_, "selecting a slab of " + what);
      check(H5Dwrite(ds.get(), mem_type, memory.get(), space.get(), H5P_DEFAULT, source.next(count[0])), ctx_, "writing " + what);
    }
    ds.close(ctx_);
  }

  // The chain creation_list() gave a dataset, when finseg applies it itself.
  std::optional<DirectChain> direct_chain(std::size_t element_size, Element element) const {
    if (options_.hdf5_pipeline) return std::nullopt;
    DirectChain chain;
    switch (options_.filter) {
      case ShardWriteOptions::Filter::none:
        return chain;
      case ShardWriteOptions::Filter::shuffle_lz4:
        chain.shuffle = element_size > 1;
        [[fallthrough]];
      case ShardWriteOptions::Filter::lz4:
        chain.lz4 = true;
        chain.lz4_params[1] = static_cast<unsigned>(element == Element::text ? options_.text_lz4_level : options_.lz4_level);
        return chain;
      default:
        return std::nullopt;
    }
  }

  // `count` elements from `first` on (whole chunks but maybe the last), each chunk filtered here
  // and written as stored. A last, partial chunk is filtered whole with its tail zeroed, as HDF5
  // clears a new chunk in its cache before copying the elements in.
  void write_chunks(hid_t ds, const std::string& what, const DirectChain& chain, const unsigned char* data,
                    hsize_t first, hsize_t count, hsize_t chunk, std::size_t element_size) {
    const std::size_t chunk_bytes = static_cast<std::size_t>(chunk) * element_size;
    const std::size_t bound = chain.lz4 ? lz4_encode_bound(2, chain.lz4_params, chunk_bytes) : chunk_bytes;
    if (bound == 0) fail(ctx_, "writing " + what + ": a chunk of " + std::to_string(chunk_bytes) + " bytes is too large for lz4");
    if (stored_.size() < bound + 4) stored_.resize(bound + 4);
    for (hsize_t at = 0; at < count; at += chunk) {
      const std::size_t elements = static_cast<std::size_t>(std::min<hsize_t>(chunk, count - at));
      const unsigned char* in = data + static_cast<std::size_t>(at) * element_size;
      if (elements < chunk) {
        if (partial_.size() < chunk_bytes) partial_.resize(chunk_bytes);
        std::memcpy(partial_.data(), in, elements * element_size);
        std::memset(partial_.data() + elements * element_size, 0, chunk_bytes - elements * element_size);
        in = partial_.data();
      }
      if (chain.shuffle && chunk > 1) {
        if (shuffled_.size() < chunk_bytes) shuffled_.resize(chunk_bytes);
        shuffle(in, element_size, static_cast<std::size_t>(chunk), shuffled_.data());
        in = shuffled_.data();
      }
      std::size_t size = chunk_bytes;
      if (chain.lz4) {
        size = lz4_encode_chunk(in, chunk_bytes, 2, chain.lz4_params, stored_.data());
        if (size == 0) fail(ctx_, "writing " + what + ": the lz4 filter failed");
      } else {
        std::memcpy(stored_.data(), in, chunk_bytes);
      }
      // H5Zfletcher32.c appends the sum of the bytes as stored, little-endian (UINT32ENCODE).
      const std::uint32_t sum = fletcher32(stored_.data(), size);
      for (int b = 0; b < 4; ++b) stored_[size + static_cast<std::size_t>(b)] = static_cast<unsigned char>(sum >> (8 * b));
      const hsize_t offset[1] = {first + at};
      check(H5Dwrite_chunk(ds, H5P_DEFAULT, 0, offset, size + 4, stored_.data()), ctx_, "writing a chunk of " + what);
    }
  }

  hid_t file_;
  const ShardWriteOptions& options_;
  const Context& ctx_;
  std::vector<unsigned char> partial_, shuffled_, stored_;  // grown, never shrunk: one shard's datasets reuse them
};

}  // namespace

MemoryColumns::MemoryColumns(const ShardData& d, bool names_dictionary) {
  sources.reserve(ShardColumns::kCount);
  const auto add = [&](const auto& v) {
    columns.lengths[sources.size()] = v.size();
    sources.emplace_back(v.data(), sizeof(v[0]));
  };
  const auto add_strings = [&](const StringColumn& c) {
    add(c.bytes());
    add(c.offsets());
  };
  add_strings(d.user_id);
  add(d.user_account_offsets);
  add_strings(d.account_id);
  add(d.account_type);
  add(d.currency);
  add(d.balance);
  add(d.balance_date);
  add(d.account_txn_offsets);
  add_strings(d.transaction_id);
  add(d.booking_date);
  add(d.amount);
  add(d.labels);
  if (names_dictionary) {
    NameDictionary dictionary;
    name_ids.resize(d.counterpart_name.size());
    for (std::size_t t = 0; t < name_ids.size(); ++t) {
      bool added = false;
      name_ids[t] = dictionary.id(d.counterpart_name[t], added);
      if (added) name_dict.push_back(d.counterpart_name[t]);
    }
    add_strings(name_dict);
    add(name_ids);
  } else {
    columns.format_version = 1;
    add_strings(d.counterpart_name);
    add(name_ids);  // empty, not written
  }
  add_strings(d.counterpart_iban);
  add_strings(d.purpose);
  for (std::size_t i = 0; i < ShardColumns::kCount; ++i) columns.sources[i] = &sources[i];
  columns.counts = {d.users(), d.accounts(), d.transactions()};
  columns.bookings = date_range(d.booking_date);
  columns.latest_balance_date = date_range(d.balance_date).last;
}

bool szip_encoder_available() noexcept {
  if (H5Zfilter_avail(H5Z_FILTER_SZIP) <= 0) return false;
  unsigned config = 0;
  if (H5Zget_filter_info(H5Z_FILTER_SZIP, &config) < 0) return false;
  return (config & H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0;
}

void write_shard_file(const std::filesystem::path& path, const ShardData& data, const Taxonomy& taxonomy,
                      const ShardWriteOptions& options, const Context& ctx) {
  const MemoryColumns memory(data, options.names_dictionary);
  write_shard_file(path, memory.columns, taxonomy, options, ctx);
}

void write_shard_file(const std::filesystem::path& path, const ShardColumns& data, const Taxonomy& taxonomy,
                      const ShardWriteOptions& options, const Context& ctx) {
  if (options.filter == ShardWriteOptions::Filter::szip && !szip_encoder_available())
    fail(ctx, "this HDF5 library has no szip encoder; choose another filter");
  if (options.deflate_level < 0 || options.deflate_level > 9)
    fail(ctx, "deflate level " + std::to_string(options.deflate_level) + " is not in 0..9");
  const bool lz4 = options.filter == ShardWriteOptions::Filter::lz4 ||
                   options.filter == ShardWriteOptions::Filter::shuffle_lz4;
  if (lz4 && !register_lz4_filter()) fail(ctx, "cannot register the lz4 filter with HDF5");
  for (const int level : {options.lz4_level, options.text_lz4_level})
    if (lz4 && level != 1 && (level < 3 || level > 12))
      fail(ctx, "lz4 level " + std::to_string(level) + " is neither 1 (LZ4) nor in 3..12 (LZ4HC)");

  PropList fcpl = make<PropList>(H5Pcreate(H5P_FILE_CREATE), ctx, "creating the file creation list");
  check(H5Pset_obj_track_times(fcpl.get(), false), ctx, "switching off root group timestamps");
  PropList fapl = make<PropList>(H5Pcreate(H5P_FILE_ACCESS), ctx, "creating the file access list");
  check(H5Pset_fapl_sec2(fapl.get()), ctx, "selecting the sec2 driver");
  // Fixed format bounds, so that a newer library writes the same bytes. 1.10 objects: the
  // superblock, object headers and the chunk index (fixed/extensible array, or the single chunk's
  // address in the layout message) all carry checksums that HDF5 verifies on every read;
  // readable by HDF5 >= 1.10 and h5py built on it. 1.8 objects only for tests of old stores.
  const H5F_libver_t bound =
      options.hdf5_format == ShardWriteOptions::Hdf5Format::v18 ? H5F_LIBVER_V18 : H5F_LIBVER_V110;
  check(H5Pset_libver_bounds(fapl.get(), bound, bound), ctx, "setting the format version bounds");
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), ctx, "setting the close degree");
  check(H5Pset_file_locking(fapl.get(), false, true), ctx, "switching off file locking");
  File file = make<File>(H5Fcreate(path.c_str(), H5F_ACC_EXCL, fcpl.get(), fapl.get()), ctx, "creating the file");

  const hid_t root = file.get();
  write_string_attribute(root, L::kFormatAttr, L::kFormatName, ctx);
  if (data.format_version != (options.names_dictionary ? kShardFormatVersion : 1))
    throw std::logic_error("write_shard_file: the columns' format does not match options.names_dictionary");
  write_int32_attribute(root, L::kFormatVersionAttr, data.format_version, ctx);
  write_uint64_attribute(root, L::kUsersAttr, data.counts.users, ctx);
  write_uint64_attribute(root, L::kAccountsAttr, data.counts.accounts, ctx);
  write_uint64_attribute(root, L::kTransactionsAttr, data.counts.transactions, ctx);
  write_strings_attribute(root, L::kLabelsAttr, taxonomy.names(), ctx);
  std::vector<std::string> groups;
  for (const auto& g : taxonomy.groups()) groups.push_back(g.name);
  write_strings_attribute(root, L::kLabelGroupsAttr, groups, ctx);
  if (options.record_dates) {
    // What the manifest entry records, so a reader can check an edited manifest (store-format.md 1.5).
    if (data.bookings.first) write_int32_attribute(root, L::kFirstBookingAttr, *data.bookings.first, ctx);
    if (data.bookings.last) write_int32_attribute(root, L::kLastBookingAttr, *data.bookings.last, ctx);
    if (data.latest_balance_date) write_int32_attribute(root, L::kLatestBalanceDateAttr, *data.latest_balance_date, ctx);
  }

  ShardWriter w(root, options, ctx);
  for (std::size_t i = 0; i < ShardColumns::kCount; ++i) {
    if (i == 0) w.group(L::kUsers);
    if (i == 3) w.group(L::kAccounts);
    if (i == 10) w.group(L::kTransactions);
    w.column(i, data.lengths[i], *data.sources[i], data.format_version);
  }

  file.close(ctx);
}

}  // namespace finseg::h5
