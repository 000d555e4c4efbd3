// The reader of a shard file's columns (internal to src/store): each 1-D dataset opened, its type
// and length checked, read whole (past HDF5's pipeline where the direct reader can,
// h5_direct_read.hpp). Shared by the whole-shard read (h5_shard_read.cpp) and the block by block
// TransactionStream (h5_transaction_stream.cpp).
#pragma once

#include "store/h5_direct_read.hpp"
#include "store/h5_layout.hpp"
#include "store/h5_shard.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace finseg::h5 {

namespace L = h5layout;

// What a column must be on disk. Integers are read with HDF5's conversion to the native type,
// which is only safe (no silent clipping) when the stored type is exactly the one we wrote.
struct Expected {
  H5T_class_t type_class;
  std::size_t size;
  H5T_sign_t sign;  // H5T_SGN_ERROR: not an integer
};

constexpr Expected kU8{H5T_INTEGER, 1, H5T_SGN_NONE};
constexpr Expected kI32{H5T_INTEGER, 4, H5T_SGN_2};
constexpr Expected kU32{H5T_INTEGER, 4, H5T_SGN_NONE};
constexpr Expected kI64{H5T_INTEGER, 8, H5T_SGN_2};
constexpr Expected kU64{H5T_INTEGER, 8, H5T_SGN_NONE};
constexpr Expected kString3{H5T_STRING, 3, H5T_SGN_ERROR};

class ShardReader {
 public:
  ShardReader(hid_t file, const Context& ctx) : file_(file), ctx_(ctx), direct_(file, ctx) {}

  // A 1-D dataset opened, its element type checked.
  struct Opened {
    Dataset dataset;
    Datatype type;
    std::uint64_t n = 0;
  };
  Opened open(const std::string& path, const Expected& expected) {
    const std::string what = "dataset " + path;
    Opened o;
    o.dataset = make<Dataset>(H5Dopen2(file_, path.c_str(), H5P_DEFAULT), ctx_, "opening " + what);
    o.type = make<Datatype>(H5Dget_type(o.dataset.get()), ctx_, "reading the type of " + what);
    const hid_t type = o.type.get();
    if (H5Tget_class(type) != expected.type_class || H5Tget_size(type) != expected.size ||
        (expected.type_class == H5T_INTEGER && H5Tget_sign(type) != expected.sign))
      fail(ctx_, what + " has an unexpected element type");
    Dataspace space = make<Dataspace>(H5Dget_space(o.dataset.get()), ctx_, "reading the shape of " + what);
    hsize_t dims[1] = {0};
    if (H5Sget_simple_extent_ndims(space.get()) != 1 || H5Sget_simple_extent_dims(space.get(), dims, nullptr) != 1)
      fail(ctx_, what + " is not one-dimensional");
    o.n = dims[0];
    return o;
  }

  void expect_length(const std::string& path, std::uint64_t n, std::uint64_t expected_n) {
    if (n != expected_n)
      fail(ctx_, "dataset " + path + " has " + std::to_string(n) + " values, expected " + std::to_string(expected_n));
  }

  // Opens `path` and checks that it has `expected_n` values.
  Opened open(const std::string& path, const Expected& expected, std::uint64_t expected_n) {
    Opened o = open(path, expected);
    expect_length(path, o.n, expected_n);
    return o;
  }

  // Reads the whole 1-D dataset `path` into `out`, which must end up with `expected_n` values.
  template <class T>
  void read(const std::string& path, hid_t mem_type, const Expected& expected, std::uint64_t expected_n,
            std::vector<T>& out) {
    const Opened o = open(path, expected, expected_n);
    out.resize(static_cast<std::size_t>(expected_n));
    const std::string what = "dataset " + path;
    if (expected_n > 0 && !direct_.read(o.dataset.get(), o.type.get(), mem_type, expected_n, out.data(), what))
      check(H5Dread(o.dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), ctx_, "reading " + what);
  }

  DirectReader& direct() noexcept { return direct_; }
  const Context& context() const noexcept { return ctx_; }

  void read_strings(const char* path, std::uint64_t n, StringColumn& column) {
    const std::string base = path;
    std::vector<std::int64_t>& offsets = column.raw_offsets();
    read(base + L::kOffsetsSuffix, H5T_NATIVE_INT64, kI64, n + 1, offsets);
    // The byte count comes from the offsets; their consistency is checked with the rest of
    // the structure, here only what is needed to size the buffer safely.
    const std::int64_t total = offsets.back();
    if (total < 0) fail(ctx_, "dataset " + base + L::kOffsetsSuffix + " ends with a negative offset");
    read(base + L::kBytesSuffix, H5T_NATIVE_UINT8, kU8, static_cast<std::uint64_t>(total), column.raw_bytes());
  }

 private:
  hid_t file_;
  const Context& ctx_;
  DirectReader direct_;
};

constexpr ColumnSet kHeadColumns = kUserIds | kAccountIds | kAccountMeta;

// Every column `columns` leaves out is emptied (keeping its buffer).
void clear_unread(ColumnSet columns, ShardData& d);
// The names by id emptied (counterpart_names_by_id false).
void clear_name_ids(ShardData& d);

// A format 2 shard's names dictionary, checked (name_dictionary_problem).
void read_name_dictionary(ShardReader& r, StringColumn& dict);
// A number no other dictionary read in this process has (ShardData::counterpart_name_dict_serial).
std::uint64_t next_dictionary_serial() noexcept;

// The offsets and the user and account columns: what a scan needs whole before its first block.
void read_head_columns(ShardReader& r, const ShardCounts& c, ColumnSet columns, ShardData& d);

}  // namespace finseg::h5
