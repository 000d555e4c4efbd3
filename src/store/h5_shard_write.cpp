// Writing a shard file: one chunked, Fletcher32-protected dataset per column.
// Byte-identical output for identical input: no object timestamps anywhere (file creation
// list for the root group, group and dataset creation lists), fixed library format bounds,
// no fill values, and every object written in the same order.
#include "store/h5_attributes.hpp"
#include "store/h5_layout.hpp"
#include "store/h5_lz4.hpp"
#include "store/h5_shard.hpp"

#include <algorithm>
#include <string>

namespace finseg::h5 {

namespace {

namespace L = h5layout;

// How a column may be compressed: szip only encodes integers (and needs a chunk of at least
// one block of pixels); shuffle is pointless for one-byte elements; a string column's bytes and
// offsets (`text`, integers too) take ShardWriteOptions::text_lz4_level.
enum class Element { integer, fixed_string, text };

constexpr unsigned kSzipPixelsPerBlock = 32;

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

  template <class T>
  void numeric(const char* path, hid_t file_type, hid_t mem_type, const std::vector<T>& values,
               Element element = Element::integer) {
    dataset(path, file_type, mem_type, values.data(), values.size(), options_.chunk_elements, element);
  }

  void strings(const char* path, const StringColumn& column) {
    const std::string base = path;
    // Bytes get chunks of about the same size in bytes as an int64 column's chunks.
    dataset((base + L::kBytesSuffix).c_str(), H5T_STD_U8LE, H5T_NATIVE_UINT8, column.bytes().data(),
            column.bytes().size(), options_.chunk_elements * 8, Element::text);
    numeric((base + L::kOffsetsSuffix).c_str(), H5T_STD_I64LE, H5T_NATIVE_INT64, column.offsets(), Element::text);
  }

  void currency(const char* path, const std::vector<Currency>& values) {
    static_assert(sizeof(Currency) == 3, "Currency must be 3 packed chars");
    Datatype type = make<Datatype>(H5Tcopy(H5T_C_S1), ctx_, "copying the string type");
    check(H5Tset_size(type.get(), 3), ctx_, "setting the currency string size");
    check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), ctx_, "setting the currency string padding");
    dataset(path, type.get(), type.get(), values.data(), values.size(), options_.chunk_elements, Element::fixed_string);
  }

 private:
  void dataset(const char* path, hid_t file_type, hid_t mem_type, const void* data, std::size_t n,
               std::uint64_t chunk_target, Element element) {
    const std::string what = std::string("dataset ") + path;
    // A zero-length dataset still has to be chunked (for the filters); HDF5 wants chunk
    // dimensions > 0 and <= the maximum size, so it gets an unlimited maximum size.
    const hsize_t dims[1] = {n};
    const hsize_t maxdims[1] = {n == 0 ? H5S_UNLIMITED : n};
    const hsize_t chunk[1] = {std::max<hsize_t>(1, std::min<hsize_t>(n, std::max<std::uint64_t>(chunk_target, 1)))};
    Dataspace space = make<Dataspace>(H5Screate_simple(1, dims, maxdims), ctx_, "creating the dataspace of " + what);
    PropList dcpl = make<PropList>(H5Pcreate(H5P_DATASET_CREATE), ctx_, "creating the creation list of " + what);
    check(H5Pset_obj_track_times(dcpl.get(), false), ctx_, "switching off timestamps of " + what);
    check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), ctx_, "switching off fill values of " + what);
    check(H5Pset_chunk(dcpl.get(), 1, chunk), ctx_, "chunking " + what);
    const std::size_t element_size = H5Tget_size(file_type);
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
    Dataset ds = make<Dataset>(H5Dcreate2(file_, path, file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                               ctx_, "creating " + what);
    if (n > 0) check(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), ctx_, "writing " + what);
    ds.close(ctx_);
  }

  hid_t file_;
  const ShardWriteOptions& options_;
  const Context& ctx_;
};

}  // namespace

bool szip_encoder_available() noexcept {
  if (H5Zfilter_avail(H5Z_FILTER_SZIP) <= 0) return false;
  unsigned config = 0;
  if (H5Zget_filter_info(H5Z_FILTER_SZIP, &config) < 0) return false;
  return (config & H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0;
}

void write_shard_file(const std::filesystem::path& path, const ShardData& data, const Taxonomy& taxonomy,
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
  write_int32_attribute(root, L::kFormatVersionAttr, kStoreFormatVersion, ctx);
  write_uint64_attribute(root, L::kUsersAttr, data.users(), ctx);
  write_uint64_attribute(root, L::kAccountsAttr, data.accounts(), ctx);
  write_uint64_attribute(root, L::kTransactionsAttr, data.transactions(), ctx);
  write_strings_attribute(root, L::kLabelsAttr, taxonomy.names(), ctx);
  std::vector<std::string> groups;
  for (const auto& g : taxonomy.groups()) groups.push_back(g.name);
  write_strings_attribute(root, L::kLabelGroupsAttr, groups, ctx);
  if (options.record_dates) {
    // What the manifest entry records, so a reader can check an edited manifest (store-format.md 1.5).
    const DateRange bookings = date_range(data.booking_date);
    if (bookings.first) write_int32_attribute(root, L::kFirstBookingAttr, *bookings.first, ctx);
    if (bookings.last) write_int32_attribute(root, L::kLastBookingAttr, *bookings.last, ctx);
    if (const auto latest = date_range(data.balance_date).last)
      write_int32_attribute(root, L::kLatestBalanceDateAttr, *latest, ctx);
  }

  ShardWriter w(root, options, ctx);
  w.group(L::kUsers);
  w.strings(L::kUserId, data.user_id);
  w.numeric(L::kUserAccountOffsets, H5T_STD_I64LE, H5T_NATIVE_INT64, data.user_account_offsets);

  w.group(L::kAccounts);
  w.strings(L::kAccountId, data.account_id);
  w.numeric(L::kAccountType, H5T_STD_U8LE, H5T_NATIVE_UINT8, data.account_type);
  w.currency(L::kCurrency, data.currency);
  w.numeric(L::kBalance, H5T_STD_I64LE, H5T_NATIVE_INT64, data.balance);
  w.numeric(L::kBalanceDate, H5T_STD_I32LE, H5T_NATIVE_INT32, data.balance_date);
  w.numeric(L::kAccountTxnOffsets, H5T_STD_I64LE, H5T_NATIVE_INT64, data.account_txn_offsets);

  w.group(L::kTransactions);
  w.strings(L::kTransactionId, data.transaction_id);
  w.numeric(L::kBookingDate, H5T_STD_I32LE, H5T_NATIVE_INT32, data.booking_date);
  w.numeric(L::kAmount, H5T_STD_I64LE, H5T_NATIVE_INT64, data.amount);
  w.numeric(L::kLabels, H5T_STD_U64LE, H5T_NATIVE_UINT64, data.labels);
  w.strings(L::kCounterpartName, data.counterpart_name);
  w.strings(L::kCounterpartIban, data.counterpart_iban);
  w.strings(L::kPurpose, data.purpose);

  file.close(ctx);
}

}  // namespace finseg::h5
