// Reading a shard file: whole datasets at once into the ShardData vectors (chunk by chunk past
// HDF5's pipeline for finseg's own filter chains, h5_direct_read.hpp; one H5Dread per column
// otherwise; no per-element calls), each dataset's type and length checked first, the structure
// of the result checked last. The block by block stream over the same columns is
// h5_transaction_stream.cpp; the column reader both use is h5_shard_reader.hpp.
#include "store/h5_attributes.hpp"
#include "store/h5_shard_reader.hpp"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace finseg::h5 {

File open_shard_file(const std::filesystem::path& path, const Context& ctx) {
  PropList fapl = make<PropList>(H5Pcreate(H5P_FILE_ACCESS), ctx, "creating the file access list");
  check(H5Pset_fapl_sec2(fapl.get()), ctx, "selecting the sec2 driver");
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), ctx, "setting the close degree");
  // A committed store is immutable and read by many ranks at once, also on file systems
  // without flock (Lustre, NFS): HDF5's advisory lock only gets in the way.
  check(H5Pset_file_locking(fapl.get(), false, true), ctx, "switching off file locking");
  return make<File>(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), ctx, "opening as HDF5");
}

ShardHeader read_shard_header(hid_t file, const Context& ctx) {
  const std::string format = read_string_attribute(file, L::kFormatAttr, ctx);
  if (format != L::kFormatName) fail(ctx, "not a finseg shard (format attribute '" + format + "')");
  ShardHeader h;
  h.format_version = read_int32_attribute(file, L::kFormatVersionAttr, ctx);
  if (h.format_version < kOldestShardFormatVersion || h.format_version > kShardFormatVersion)
    fail(ctx, "shard format version " + std::to_string(h.format_version) + ", this finseg reads versions " +
                  std::to_string(kOldestShardFormatVersion) + " to " + std::to_string(kShardFormatVersion));
  h.counts.users = read_uint64_attribute(file, L::kUsersAttr, ctx);
  h.counts.accounts = read_uint64_attribute(file, L::kAccountsAttr, ctx);
  h.counts.transactions = read_uint64_attribute(file, L::kTransactionsAttr, ctx);
  h.labels = read_strings_attribute(file, L::kLabelsAttr, ctx);
  h.label_groups = read_strings_attribute(file, L::kLabelGroupsAttr, ctx);
  if (h.labels.size() > static_cast<std::size_t>(kMaxLabels)) fail(ctx, "more than 64 label names");
  const auto date = [&](const char* name) -> std::optional<Day> {
    if (!has_attribute(file, name, ctx)) return std::nullopt;
    return read_int32_attribute(file, name, ctx);
  };
  h.first_booking = date(L::kFirstBookingAttr);
  h.last_booking = date(L::kLastBookingAttr);
  h.latest_balance_date = date(L::kLatestBalanceDateAttr);
  // A writer that records the dates records the balance date of every shard with accounts and
  // the bookings of every shard with transactions; a shard with neither cannot tell, nor matter.
  h.dates_recorded = (h.counts.accounts == 0 || h.latest_balance_date) && (h.counts.transactions == 0 || h.first_booking);
  if (h.dates_recorded && (h.first_booking.has_value() != (h.counts.transactions > 0) ||
                           h.last_booking.has_value() != (h.counts.transactions > 0) ||
                           h.latest_balance_date.has_value() != (h.counts.accounts > 0)))
    fail(ctx, "the date attributes do not match the counts");
  return h;
}

void clear_name_ids(ShardData& d) {
  d.counterpart_names_by_id = false;
  d.counterpart_name_dict.clear();
  d.counterpart_name_id.clear();
  d.counterpart_name_dict_serial = 0;
}

// Every column `columns` leaves out is emptied (keeping its buffer).
void clear_unread(ColumnSet columns, ShardData& d) {
  if (!(columns & kUserIds)) d.user_id.clear();
  if (!(columns & kAccountIds)) d.account_id.clear();
  if (!(columns & kAccountMeta)) {
    d.account_type.clear();
    d.currency.clear();
    d.balance.clear();
    d.balance_date.clear();
  }
  if (!(columns & kTransactionIds)) d.transaction_id.clear();
  if (!(columns & kBookingDate)) d.booking_date.clear();
  if (!(columns & kAmount)) d.amount.clear();
  if (!(columns & kLabels)) d.labels.clear();
  if (!(columns & (kCounterpartName | kCounterpartNameIds))) d.counterpart_name.clear();
  if (!(columns & kCounterpartNameIds)) clear_name_ids(d);
  if (!(columns & kCounterpartIban)) d.counterpart_iban.clear();
  if (!(columns & kPurpose)) d.purpose.clear();
}

// The offsets and the user and account columns: what a scan needs whole before its first block.
void read_head_columns(ShardReader& r, const ShardCounts& c, ColumnSet columns, ShardData& d) {
  const Context& ctx = r.context();
  r.read(L::kUserAccountOffsets, H5T_NATIVE_INT64, kI64, c.users + 1, d.user_account_offsets);
  r.read(L::kAccountTxnOffsets, H5T_NATIVE_INT64, kI64, c.accounts + 1, d.account_txn_offsets);
  if (columns & kUserIds) r.read_strings(L::kUserId, c.users, d.user_id);
  if (columns & kAccountIds) r.read_strings(L::kAccountId, c.accounts, d.account_id);
  if (columns & kAccountMeta) {
    // AccountType is a uint8 enum: read straight into it, the values are range-checked below.
    r.read(L::kAccountType, H5T_NATIVE_UINT8, kU8, c.accounts, d.account_type);
    Datatype cur = make<Datatype>(H5Tcopy(H5T_C_S1), ctx, "copying the string type");
    check(H5Tset_size(cur.get(), 3), ctx, "setting the currency string size");
    check(H5Tset_strpad(cur.get(), H5T_STR_NULLPAD), ctx, "setting the currency string padding");
    r.read(L::kCurrency, cur.get(), kString3, c.accounts, d.currency);
    r.read(L::kBalance, H5T_NATIVE_INT64, kI64, c.accounts, d.balance);
    r.read(L::kBalanceDate, H5T_NATIVE_INT32, kI32, c.accounts, d.balance_date);
  }
}

std::uint64_t next_dictionary_serial() noexcept {
  static std::atomic<std::uint64_t> serial{0};
  return ++serial;
}

void read_name_dictionary(ShardReader& r, StringColumn& dict) {
  const std::string offsets = std::string(L::kCounterpartNameDict) + L::kOffsetsSuffix;
  const std::uint64_t entries = r.open(offsets, kI64).n;
  if (entries == 0) fail(r.context(), "dataset " + offsets + " has 0 values, expected at least 1");
  r.read_strings(L::kCounterpartNameDict, entries - 1, dict);
  const std::string problem = name_dictionary_problem(dict);
  if (!problem.empty()) fail(r.context(), "corrupt structure: " + problem);
}

// The names as asked: by id (format 2) for kCounterpartNameIds, the plain column for
// kCounterpartName (a format 2 shard's made from the dictionary), the plain column for both from
// a format 1 shard. The dictionary is checked before a name is taken from it.
void read_counterpart_names(ShardReader& r, const ShardHeader& h, ColumnSet columns, ShardData& d) {
  const ShardCounts& c = h.counts;
  if (h.format_version < 2) {
    clear_name_ids(d);
    return r.read_strings(L::kCounterpartName, c.transactions, d.counterpart_name);
  }
  read_name_dictionary(r, d.counterpart_name_dict);
  r.read(L::kCounterpartNameId, H5T_NATIVE_UINT32, kU32, c.transactions, d.counterpart_name_id);
  const std::string problem = name_ids_problem(d.counterpart_name_id, d.counterpart_name_dict.size());
  if (!problem.empty()) fail(r.context(), "corrupt structure: " + problem);
  d.counterpart_name.clear();
  if (columns & kCounterpartName) {
    std::size_t bytes = 0;
    for (const std::uint32_t id : d.counterpart_name_id) bytes += d.counterpart_name_dict[id].size();
    d.counterpart_name.reserve(d.counterpart_name_id.size(), bytes);
    for (const std::uint32_t id : d.counterpart_name_id) d.counterpart_name.push_back(d.counterpart_name_dict[id]);
  }
  if (columns & kCounterpartNameIds) {
    d.counterpart_names_by_id = true;
    d.counterpart_name_dict_serial = next_dictionary_serial();
  } else {
    d.counterpart_name_dict.clear();
    d.counterpart_name_id.clear();
  }
}

void read_shard_columns(hid_t file, const ShardHeader& h, ColumnSet columns, const Context& ctx, ShardData& d) {
  const ShardCounts& c = h.counts;
  ShardReader r(file, ctx);
  clear_unread(columns, d);
  read_head_columns(r, c, columns, d);
  if (columns & kTransactionIds) r.read_strings(L::kTransactionId, c.transactions, d.transaction_id);
  if (columns & kBookingDate) r.read(L::kBookingDate, H5T_NATIVE_INT32, kI32, c.transactions, d.booking_date);
  if (columns & kAmount) r.read(L::kAmount, H5T_NATIVE_INT64, kI64, c.transactions, d.amount);
  if (columns & kLabels) r.read(L::kLabels, H5T_NATIVE_UINT64, kU64, c.transactions, d.labels);
  if (columns & (kCounterpartName | kCounterpartNameIds)) read_counterpart_names(r, h, columns, d);
  if (columns & kCounterpartIban) r.read_strings(L::kCounterpartIban, c.transactions, d.counterpart_iban);
  if (columns & kPurpose) r.read_strings(L::kPurpose, c.transactions, d.purpose);

  const std::string problem = shard_structure_problem(d, columns, c, h.labels.size());
  if (!problem.empty()) fail(ctx, "corrupt structure: " + problem);
}

ShardData read_shard_columns(hid_t file, const ShardHeader& header, ColumnSet columns, const Context& ctx) {
  ShardData d;
  read_shard_columns(file, header, columns, ctx, d);
  return d;
}

std::vector<ChunkLocation> chunk_locations(hid_t file, const Context& ctx) {
  std::vector<ChunkLocation> out;
  std::vector<const char*> paths(std::begin(L::kDatasets), std::end(L::kDatasets));
  if (read_int32_attribute(file, L::kFormatVersionAttr, ctx) < 2) {  // the plain names column
    paths.erase(paths.begin() + L::kNameIdDataset);
    paths[L::kFirstNameDataset] = L::kNamesV1[0];
    paths[L::kFirstNameDataset + 1] = L::kNamesV1[1];
  }
  for (const char* path : paths) {
    const std::string what = std::string("dataset ") + path;
    Dataset ds = make<Dataset>(H5Dopen2(file, path, H5P_DEFAULT), ctx, "opening " + what);
    Dataspace space = make<Dataspace>(H5Dget_space(ds.get()), ctx, "reading the shape of " + what);
    hsize_t n = 0;
    check(H5Dget_num_chunks(ds.get(), space.get(), &n), ctx, "counting the chunks of " + what);
    for (hsize_t i = 0; i < n; ++i) {
      hsize_t coord[1] = {0};
      unsigned mask = 0;
      haddr_t addr = HADDR_UNDEF;
      hsize_t size = 0;
      check(H5Dget_chunk_info(ds.get(), space.get(), i, coord, &mask, &addr, &size), ctx,
            "locating chunk " + std::to_string(i) + " of " + what);
      out.push_back({path, static_cast<std::uint64_t>(coord[0]), static_cast<std::uint64_t>(addr),
                     static_cast<std::uint64_t>(size)});
    }
  }
  return out;
}

}  // namespace finseg::h5
