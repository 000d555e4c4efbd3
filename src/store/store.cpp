// The store: write_shard/read_shard (checksums around the HDF5 shard files of h5_shard*.cpp),
// verify_store, and the StoreBuilder that builds a store aside and renames it into place.
#include "store/store.hpp"

#include "core/errors.hpp"
#include "io/atomic_file.hpp"
#include "store/h5_shard.hpp"
#include "store/shard_stream.hpp"
#include "store/store_files.hpp"
#include "store/store_manifest.hpp"
#include "store/store_structure.hpp"

#include <fcntl.h>  // AT_FDCWD
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc, _GNU_SOURCE)
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <set>
#include <stdexcept>

namespace finseg {

namespace {

void widen_max(std::optional<Day>& acc, Day d) { acc = acc ? std::max(*acc, d) : d; }

std::filesystem::path checked_shard_path(const std::filesystem::path& store, const ShardInfo& shard) {
  if (const auto problem = shard_file_name_problem(shard.file); !problem.empty())
    throw StoreError("store " + store.string() + ": bad shard file name: " + problem);
  return store / shard.file;
}

std::string date_text(const std::optional<Day>& d) { return d ? format_date(*d) : "null"; }

void expect_date(const char* key, const std::optional<Day>& in_file, const std::optional<Day>& in_manifest,
                 const char* source, const h5::Context& ctx) {
  if (in_file != in_manifest)
    h5::fail(ctx, std::string("the manifest records ") + key + " " + date_text(in_manifest) + ", the shard's " + source +
                      " say " + date_text(in_file) + " (manifest.json edited or from another store?)");
}

// The first label name (bit order) where the shard and the manifest differ, as text.
std::string first_difference(const std::vector<std::string>& in_file, const std::vector<std::string>& in_manifest) {
  for (std::size_t i = 0; i < std::max(in_file.size(), in_manifest.size()); ++i) {
    const std::string a = i < in_file.size() ? in_file[i] : "(none)";
    const std::string b = i < in_manifest.size() ? in_manifest[i] : "(none)";
    if (a != b) return "entry " + std::to_string(i) + ": " + a + " in the file, " + b + " in the manifest";
  }
  return "";
}

// What the manifest says of a shard against what the shard file records itself (root
// attributes): counts, dates and, given the manifest's taxonomy, the label names and groups. A
// manifest edited by hand (labels swapped, another snapshotDate) must fail, never change a result.
void check_header(const h5::ShardHeader& h, const ShardInfo& shard, const std::vector<LabelGroup>* groups,
                  const h5::Context& ctx) {
  const auto mismatch = [&](const char* what, std::uint64_t in_file, std::uint64_t in_manifest) {
    if (in_file != in_manifest)
      h5::fail(ctx, std::string("holds ") + std::to_string(in_file) + " " + what + ", the manifest records " +
                        std::to_string(in_manifest));
  };
  mismatch("users", h.counts.users, shard.users);
  mismatch("accounts", h.counts.accounts, shard.accounts);
  mismatch("transactions", h.counts.transactions, shard.transactions);
  if (h.dates_recorded) {
    expect_date("firstBooking", h.first_booking, shard.first_booking, "attributes", ctx);
    expect_date("lastBooking", h.last_booking, shard.last_booking, "attributes", ctx);
    expect_date("latestBalanceDate", h.latest_balance_date, shard.latest_balance_date, "attributes", ctx);
  }
  if (!groups) return;
  std::vector<std::string> names, group_names;
  for (const auto& g : *groups) {
    group_names.push_back(g.name);
    names.push_back(g.name);
    names.insert(names.end(), g.labels.begin(), g.labels.end());
  }
  if (h.labels != names)
    h5::fail(ctx, "written with other label names than the manifest lists (" + first_difference(h.labels, names) + ")");
  if (h.label_groups != group_names)
    h5::fail(ctx, "written with other label groups than the manifest lists (" +
                      first_difference(h.label_groups, group_names) + ")");
}

// The dates of the data read against the manifest entry (the attributes equal it already when
// the shard records them): catches a writer bug, and is all an older shard can offer.
void check_data_dates(const DateRange& bookings, const ShardData& d, ColumnSet columns, const ShardInfo& shard,
                      const h5::Context& ctx) {
  if (columns & kBookingDate) {
    expect_date("firstBooking", bookings.first, shard.first_booking, "bookings", ctx);
    expect_date("lastBooking", bookings.last, shard.last_booking, "bookings", ctx);
  }
  if (columns & kAccountMeta)
    expect_date("latestBalanceDate", date_range(d.balance_date).last, shard.latest_balance_date, "balance dates", ctx);
}

// The booking dates a stream of some users read (ShardStream's range) against the manifest entry:
// each within firstBooking..lastBooking, the bounds a run's windows were planned with. (That they
// are the exact first and last needs every date of the shard: check_data_dates.)
void check_dates_within(const DateRange& bookings, const ShardInfo& shard, const h5::Context& ctx) {
  if (!bookings.first) return;
  const bool within = shard.first_booking && shard.last_booking && *bookings.first >= *shard.first_booking &&
                      *bookings.last <= *shard.last_booking;
  if (!within)
    h5::fail(ctx, "the manifest records firstBooking " + date_text(shard.first_booking) + " and lastBooking " +
                      date_text(shard.last_booking) + ", the shard's bookings reach from " + date_text(bookings.first) +
                      " to " + date_text(bookings.last) + " (manifest.json edited or from another store?)");
}

// A shard file opened and its header checked against the manifest entry.
struct OpenShard {
  h5::Context ctx;
  h5::File file;
  h5::ShardHeader header;
};

// `ctx` first: the file's errors name it. The caller keeps the result where it stays (the
// streams keep a reference to its ctx).
void open_checked(const std::filesystem::path& store, const ShardInfo& shard, const std::vector<LabelGroup>* groups,
                  bool verify_file_checksum, OpenShard& out) {
  h5::prepare_library();
  const auto path = checked_shard_path(store, shard);
  verify_shard_file(path, shard, verify_file_checksum);
  out.ctx = h5::Context{"shard " + path.string(), h5::Failure::store};
  out.file = h5::open_shard_file(path, out.ctx);
  out.header = h5::read_shard_header(out.file.get(), out.ctx);
  check_header(out.header, shard, groups, out.ctx);
}

// A shard without the date attributes: its balance dates (one small column) are read to check
// the manifest's latestBalanceDate, which a run's windows depend on through snapshotDate.
ColumnSet columns_to_read(ColumnSet columns, const h5::ShardHeader& header) {
  return header.dates_recorded ? columns : columns | kAccountMeta;
}

void read_shard_checked(const std::filesystem::path& store, const ShardInfo& shard, const std::vector<LabelGroup>* groups,
                        ColumnSet columns, bool verify_file_checksum, ShardData& data) {
  OpenShard open;
  open_checked(store, shard, groups, verify_file_checksum, open);
  columns = columns_to_read(columns, open.header);
  h5::read_shard_columns(open.file.get(), open.header, columns, open.ctx, data);
  const DateRange bookings = (columns & kBookingDate) ? date_range(data.booking_date) : DateRange{};
  check_data_dates(bookings, data, columns, shard, open.ctx);
  open.file.close(open.ctx);
}

ShardData read_shard_checked(const std::filesystem::path& store, const ShardInfo& shard,
                             const std::vector<LabelGroup>* groups, ColumnSet columns, bool verify_file_checksum) {
  ShardData data;
  read_shard_checked(store, shard, groups, columns, verify_file_checksum, data);
  return data;
}

// Rebuilds the groups from a shard header: a name listed in label_groups starts a group, the
// names after it are its labels.
std::vector<LabelGroup> groups_from_header(const h5::ShardHeader& h) {
  const std::set<std::string> group_names(h.label_groups.begin(), h.label_groups.end());
  std::vector<LabelGroup> groups;
  for (const auto& name : h.labels) {
    if (group_names.count(name) || groups.empty())
      groups.push_back({name, {}});
    else
      groups.back().labels.push_back(name);
  }
  return groups;
}

std::filesystem::path normalized_store_path(std::filesystem::path p) {
  p = p.lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "out/" -> "out"
  return p;
}

std::string temp_suffix() {
  std::random_device rd;
  char buf[48];
  std::snprintf(buf, sizeof buf, ".tmp-%ld-%08x", static_cast<long>(::getpid()), static_cast<unsigned>(rd()));
  return buf;
}

// rename(2) replaces an empty folder silently; renameat2(RENAME_NOREPLACE) refuses atomically.
void rename_no_replace(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  const int err = errno;
  if (err == EEXIST || err == ENOTEMPTY)
    throw IoError(to.string() + " exists already: a store is never overwritten");
  if (err != EINVAL && err != ENOSYS)
    throw IoError("cannot rename " + from.string() + " to " + to.string() + ": " + std::strerror(err));
  // A file system without RENAME_NOREPLACE: check, then rename (a small race, still no overwrite
  // of a non-empty store since rename(2) fails on a non-empty target).
  std::error_code ec;
  if (std::filesystem::exists(to, ec)) throw IoError(to.string() + " exists already: a store is never overwritten");
  std::filesystem::rename(from, to, ec);
  if (ec) throw IoError("cannot rename " + from.string() + " to " + to.string() + ": " + ec.message());
}

}  // namespace

namespace {

// The file, then its size and checksum; nothing is left when it fails.
ShardInfo write_checked_shard(const std::filesystem::path& file, const h5::ShardColumns& columns, const Taxonomy& taxonomy,
                              const ShardWriteOptions& options) {
  if (options.chunk_elements == 0) throw std::logic_error("write_shard: chunk_elements must be > 0");
  std::error_code ec;
  if (std::filesystem::exists(file, ec))
    throw IoError(file.string() + " exists already: a shard file is never overwritten");

  ShardInfo info;
  info.file = file.filename().string();
  info.users = columns.counts.users;
  info.accounts = columns.counts.accounts;
  info.transactions = columns.counts.transactions;
  info.first_booking = columns.bookings.first;
  info.last_booking = columns.bookings.last;
  info.latest_balance_date = columns.latest_balance_date;

  const h5::Context ctx{"shard " + file.string(), h5::Failure::io};
  try {
    h5::write_shard_file(file, columns, taxonomy, options, ctx);
    info.bytes = std::filesystem::file_size(file);
    info.checksum = crc32_text(crc32_of_file(file));
    fsync_path(file);
  } catch (const std::filesystem::filesystem_error& e) {
    std::filesystem::remove(file, ec);
    throw IoError(file.string() + ": " + e.what());
  } catch (...) {
    std::filesystem::remove(file, ec);
    throw;
  }
  return info;
}

}  // namespace

ShardInfo write_shard(const std::filesystem::path& file, const ShardData& data, const Taxonomy& taxonomy,
                      const ShardWriteOptions& options) {
  h5::prepare_library();
  const ShardCounts counts{data.users(), data.accounts(), data.transactions()};
  if (const auto problem = shard_structure_problem(data, kAllColumns, counts, taxonomy.size()); !problem.empty())
    throw std::logic_error("write_shard " + file.string() + ": inconsistent shard data: " + problem);
  const h5::MemoryColumns memory(data, options.names_dictionary);
  return write_checked_shard(file, memory.columns, taxonomy, options);
}

ShardInfo write_shard(const std::filesystem::path& file, ShardStreamWriter& rows, const Taxonomy& taxonomy,
                      const ShardWriteOptions& options) {
  h5::prepare_library();
  const ShardData& head = rows.head();
  const ShardCounts counts{head.users(), head.accounts(), rows.transactions()};
  constexpr ColumnSet kHead = kUserIds | kAccountIds | kAccountMeta;
  std::string problem = shard_structure_problem(head, kHead, counts, taxonomy.size());
  if (problem.empty() && taxonomy.size() < 64 && (rows.label_bits() >> taxonomy.size()) != 0)
    problem = "transactions/labels: a label bit beyond the taxonomy's " + std::to_string(taxonomy.size()) + " names";
  if (!problem.empty()) throw std::logic_error("write_shard " + file.string() + ": inconsistent shard data: " + problem);
  return write_checked_shard(file, rows.columns(), taxonomy, options);
}

ShardData read_shard(const std::filesystem::path& store, const ShardInfo& shard, ColumnSet columns,
                     bool verify_file_checksum) {
  return read_shard_checked(store, shard, nullptr, columns, verify_file_checksum);
}

ShardData read_shard(const std::filesystem::path& store, const std::vector<LabelGroup>& label_groups,
                     const ShardInfo& shard, ColumnSet columns, bool verify_file_checksum) {
  return read_shard_checked(store, shard, &label_groups, columns, verify_file_checksum);
}

void read_shard(const std::filesystem::path& store, const std::vector<LabelGroup>& label_groups, const ShardInfo& shard,
                ColumnSet columns, bool verify_file_checksum, ShardData& into) {
  read_shard_checked(store, shard, &label_groups, columns, verify_file_checksum, into);
}

struct ShardStream::Impl {
  OpenShard open;
  ShardInfo shard;
  ShardUsers users;
  ColumnSet columns = 0;
  ShardData* data = nullptr;
  std::optional<h5::TransactionStream> transactions;
};

ShardStream::ShardStream(const std::filesystem::path& store, const std::vector<LabelGroup>& label_groups,
                         const ShardInfo& shard, ColumnSet columns, bool verify_file_checksum, ShardData& head,
                         ShardUsers users)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  users.end = std::min(users.end, shard.users);
  if (users.begin > users.end) throw std::logic_error("ShardStream: users " + std::to_string(users.begin) + ".." + std::to_string(users.end) + " of " + shard.file);
  // The whole file's CRC once per shard: by the range that starts it.
  open_checked(store, shard, &label_groups, verify_file_checksum && users.begin == 0, s.open);
  s.shard = shard;
  s.users = users;
  s.columns = columns_to_read(columns, s.open.header);
  s.data = &head;
  s.transactions.emplace(s.open.file.get(), s.open.header, s.columns, s.open.ctx, head);
}

ShardStream::~ShardStream() = default;

void ShardStream::block(std::size_t user_begin, std::size_t user_end, ShardData& window) {
  if (user_begin < impl_->users.begin || user_end > impl_->users.end)
    throw std::logic_error("ShardStream::block: users outside the stream's range");
  impl_->transactions->block(user_begin, user_end, window);
}

std::uint64_t ShardStream::largest_chunk() const noexcept { return impl_->transactions->largest_chunk(); }

void ShardStream::finish() {
  Impl& s = *impl_;
  const bool to_end = s.users.end == s.shard.users;
  const DateRange bookings = s.transactions->finish(to_end);
  if (s.users.begin == 0 && to_end) {
    check_data_dates(bookings, *s.data, s.columns, s.shard, s.open.ctx);  // the balance dates are in the head
  } else {
    check_data_dates({}, *s.data, s.columns & ~kBookingDate, s.shard, s.open.ctx);  // the head is whole
    if (s.columns & kBookingDate) check_dates_within(bookings, s.shard, s.open.ctx);
  }
  s.transactions.reset();
  s.open.file.close(s.open.ctx);
}

void verify_store(const std::filesystem::path& store, const StoreManifest& manifest) {
  // Size + CRC of the whole file, the header against the manifest, then every dataset read
  // (Fletcher32 per chunk) and the structure checked.
  for (const auto& shard : manifest.shards) read_shard_checked(store, shard, &manifest.label_groups, kAllColumns, true);
}

std::vector<ChunkLocation> shard_chunk_locations(const std::filesystem::path& store, const ShardInfo& shard) {
  h5::prepare_library();
  const auto path = checked_shard_path(store, shard);
  verify_shard_file(path, shard, false);
  const h5::Context ctx{"shard " + path.string(), h5::Failure::store};
  h5::File file = h5::open_shard_file(path, ctx);
  auto chunks = h5::chunk_locations(file.get(), ctx);
  file.close(ctx);
  return chunks;
}

int shard_format_version(const std::filesystem::path& store, const ShardInfo& shard) {
  h5::prepare_library();
  const auto path = checked_shard_path(store, shard);
  const h5::Context ctx{"shard " + path.string(), h5::Failure::store};
  h5::File file = h5::open_shard_file(path, ctx);
  const int version = h5::read_shard_header(file.get(), ctx).format_version;
  file.close(ctx);
  return version;
}

std::vector<std::filesystem::path> remove_abandoned_builds(const std::filesystem::path& target_path) {
  const auto target = normalized_store_path(target_path);
  const auto parent = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  const std::string prefix = target.filename().string() + ".tmp-";
  std::vector<std::filesystem::path> removed;
  std::error_code ec;
  std::vector<std::filesystem::path> candidates;
  for (const auto& entry : std::filesystem::directory_iterator(parent, ec))
    if (entry.path().filename().string().rfind(prefix, 0) == 0) candidates.push_back(entry.path());
  for (const auto& path : candidates) {
    const bool is_lock = path.extension() == ".lock";
    const auto folder = is_lock ? std::filesystem::path(path).replace_extension() : path;
    auto lock_path = folder;
    lock_path += ".lock";
    if (is_lock && std::filesystem::exists(folder, ec)) continue;  // handled with its folder
    try {
      // A builder creates and locks its lock file before its folder: a folder whose lock is free
      // (or missing) belongs to no live builder.
      LockFile lock(lock_path);
      if (!lock.try_lock(0, true)) continue;
      if (!is_lock && std::filesystem::remove_all(folder, ec) > 0 && !ec) removed.push_back(folder);
      std::filesystem::remove(lock_path, ec);
    } catch (const IoError&) {
      // Not ours to clean (no permission, no locks): leave it.
    }
  }
  return removed;
}

StoreBuilder::StoreBuilder(std::filesystem::path target) : target_(normalized_store_path(std::move(target))) {
  if (target_.empty()) throw IoError("empty store path");
  std::error_code ec;
  if (std::filesystem::exists(target_, ec))
    throw IoError(target_.string() + " exists already: a store is never overwritten");
  const auto parent = target_.parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    if (ec) throw IoError("cannot create folder " + parent.string() + ": " + ec.message());
  }
  for (const auto& gone : remove_abandoned_builds(target_))
    std::fprintf(stderr, "finseg: removed %s, left by a build that was killed\n", gone.c_str());
  temp_ = target_;
  temp_ += temp_suffix();
  auto lock_path = temp_;
  lock_path += ".lock";
  lock_.emplace(lock_path);
  if (!lock_->try_lock(0, true)) throw IoError("cannot lock " + lock_path.string() + ": held by another process");
  if (!std::filesystem::create_directory(temp_, ec) || ec)
    throw IoError("cannot create temporary folder " + temp_.string() + ": " +
                  (ec ? ec.message() : std::string("exists already")));
}

StoreBuilder::StoreBuilder(std::filesystem::path target, std::filesystem::path existing_temp_dir)
    : target_(normalized_store_path(std::move(target))), temp_(std::move(existing_temp_dir)) {
  std::error_code ec;
  if (!std::filesystem::is_directory(temp_, ec)) throw IoError("temporary store folder " + temp_.string() + " is missing");
}

StoreBuilder::~StoreBuilder() {
  std::error_code ec;
  if (!(committed_ || released_ || temp_.empty())) {
    std::filesystem::remove_all(temp_, ec);
    if (ec) std::fprintf(stderr, "finseg: warning: cannot remove %s: %s\n", temp_.c_str(), ec.message().c_str());
  }
  if (lock_) std::filesystem::remove(lock_->path(), ec);  // removed while still held
}

std::string StoreBuilder::shard_file_name(int shard) {
  if (shard < 0) throw std::logic_error("negative shard number");
  char buf[32];
  std::snprintf(buf, sizeof buf, "shard-%05d.h5", shard);
  return buf;
}

ShardInfo StoreBuilder::write(int shard, const ShardData& data, const Taxonomy& taxonomy,
                              const ShardWriteOptions& options) {
  if (committed_) throw std::logic_error("StoreBuilder::write after commit");
  if (taxonomy_ && !(*taxonomy_ == taxonomy)) throw std::logic_error("StoreBuilder: shards written with different taxonomies");
  if (!taxonomy_) taxonomy_ = taxonomy;
  return write_shard(temp_ / shard_file_name(shard), data, taxonomy, options);
}

ShardInfo StoreBuilder::write(int shard, ShardStreamWriter& rows, const Taxonomy& taxonomy, const ShardWriteOptions& options) {
  if (committed_) throw std::logic_error("StoreBuilder::write after commit");
  if (taxonomy_ && !(*taxonomy_ == taxonomy)) throw std::logic_error("StoreBuilder: shards written with different taxonomies");
  if (!taxonomy_) taxonomy_ = taxonomy;
  return write_shard(temp_ / shard_file_name(shard), rows, taxonomy, options);
}

void StoreBuilder::commit(StoreManifest manifest) {
  if (committed_ || released_) throw std::logic_error("StoreBuilder::commit twice or after release");
  manifest.format_version = kStoreFormatVersion;
  // Every listed shard must be in the folder as recorded: a wrong list is a bug of the caller.
  std::set<std::string> files;
  for (const auto& s : manifest.shards) {
    if (const auto problem = shard_file_name_problem(s.file); !problem.empty())
      throw std::logic_error("StoreBuilder::commit: bad shard file name: " + problem);
    if (!files.insert(s.file).second) throw std::logic_error("StoreBuilder::commit: shard " + s.file + " listed twice");
    std::error_code ec;
    const auto size = std::filesystem::file_size(temp_ / s.file, ec);
    if (ec || size != s.bytes)
      throw std::logic_error("StoreBuilder::commit: shard " + (temp_ / s.file).string() +
                             (ec ? " is missing" : " differs from its ShardInfo"));
  }
  if (manifest.labels.empty() && manifest.label_groups.empty()) {
    if (taxonomy_) {
      manifest.label_groups = taxonomy_->groups();
    } else if (!manifest.shards.empty()) {
      // Another rank wrote every shard (MPI): take the taxonomy from the first shard's header.
      const auto path = temp_ / manifest.shards.front().file;
      h5::prepare_library();
      const h5::Context ctx{"shard " + path.string(), h5::Failure::io};
      h5::File file = h5::open_shard_file(path, ctx);
      manifest.label_groups = groups_from_header(h5::read_shard_header(file.get(), ctx));
    }
  }
  if (manifest.labels.empty())
    for (const auto& g : manifest.label_groups) {
      manifest.labels.push_back(g.name);
      manifest.labels.insert(manifest.labels.end(), g.labels.begin(), g.labels.end());
    }
  manifest.snapshot_date.reset();
  for (const auto& s : manifest.shards)
    if (s.latest_balance_date) widen_max(manifest.snapshot_date, *s.latest_balance_date);

  write_file_atomic(temp_ / "manifest.json", manifest_to_json(manifest));
  rename_no_replace(temp_, target_);
  committed_ = true;
  const auto parent = target_.parent_path();
  fsync_path(parent.empty() ? std::filesystem::path(".") : parent);
}

}  // namespace finseg
