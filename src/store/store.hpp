// The shard store: a folder of HDF5 shard files plus manifest.json (docs/store-format.md).
// Users are partitioned across shards; all accounts and transactions of a user live in the
// user's shard. A store is built aside and renamed into place when complete (StoreBuilder).
#pragma once

#include "core/columns.hpp"
#include "core/date.hpp"
#include "core/shard_data.hpp"
#include "core/taxonomy.hpp"
#include "io/file_lock.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace finseg {

class ShardStreamWriter;

// The manifest's formatVersion (unchanged since 1: it lists shards of either shard format).
inline constexpr int kStoreFormatVersion = 1;
// A shard file's format_version: 2 keeps the counterpart names as a dictionary and ids
// (docs/store-format.md 1, 5); 1, the plain names column, is still read.
inline constexpr int kShardFormatVersion = 2;
inline constexpr int kOldestShardFormatVersion = 1;
// The LZ4HC level of the default filter chain (docs/store-format.md 4).
inline constexpr int kDefaultLz4HcLevel = 4;
// Elements per chunk of a shard's numeric columns by default (ShardWriteOptions::chunk_elements).
inline constexpr std::uint64_t kDefaultChunkElements = 8192;

struct ShardInfo {
  std::string file;  // name relative to the store folder, e.g. "shard-00003.h5"
  std::uint64_t users = 0;
  std::uint64_t accounts = 0;
  std::uint64_t transactions = 0;
  std::uint64_t bytes = 0;     // file size
  std::string checksum;        // "crc32:xxxxxxxx" of the whole file
  std::optional<Day> first_booking;  // earliest bookingDate in the shard (none without transactions)
  std::optional<Day> last_booking;
  std::optional<Day> latest_balance_date;  // latest balanceDate (none without accounts)
  bool operator==(const ShardInfo&) const = default;
};

struct StoreManifest {
  int format_version = kStoreFormatVersion;
  std::optional<Day> snapshot_date;      // latest balanceDate of all accounts (SEGMENTS.md 1.4)
  std::vector<std::string> labels;       // taxonomy names in bit order
  std::vector<LabelGroup> label_groups;  // the taxonomy the labels column was written with
  std::vector<ShardInfo> shards;
  std::string created_by;                // "finseg generate ..." / "finseg import ..."

  std::uint64_t users() const;
  std::uint64_t accounts() const;
  std::uint64_t transactions() const;
  // A checksum over the shard checksums: names the exact data a job ran on.
  std::string store_checksum() const;
};

// Which columns read_shard fills (core/columns.hpp); the others stay empty (offsets are always read).

struct ShardWriteOptions {
  // Elements per chunk for numeric columns: about two blocks of a scan (kBlockTransactions in
  // core/segments/kernels.hpp), so a run decodes a chunk just before its jobs use it, while it
  // is in cache (docs/store-format.md 1.6). Stores written with other sizes read the same.
  std::uint64_t chunk_elements = kDefaultChunkElements;
  // Filter chain, Fletcher32 always last; see docs/store-format.md for the measurement that
  // chose the default. lz4 is HDF5 filter 32004, built in (store/h5_lz4.hpp).
  enum class Filter { none, deflate, shuffle_deflate, szip, lz4, shuffle_lz4 } filter = Filter::shuffle_lz4;
  int deflate_level = 1;
  // 1: plain LZ4; 3-12: LZ4HC at that level (smaller files that decode faster, ~8x slower to
  // write). The numeric columns every scan reads: plain LZ4 by default since LZ4HC(4) there was
  // ~0.5 s of the 2.3 s import of the 10,000-user bank at np=2 against ~0.01 s more per run of all
  // jobs (docs/store-format.md 4); kDefaultLz4HcLevel (`shuffle-lz4hc-numeric`) for a store read
  // by many runs.
  int lz4_level = 1;
  // The same for the text columns (bytes and offsets of the id, name, IBAN and purpose strings):
  // 85 % of a shard's bytes, read by no segment scan but insuranceSpending's counterpart names.
  int text_lz4_level = 1;
  // HDF5 object format: 1.10 (checksummed chunk index, superblock and object headers; readable by
  // HDF5 >= 1.10) or 1.8 (what finseg wrote before; its v1 B-tree chunk index carries no
  // checksum). Readers read both; the 1.8 format is kept to test that old stores still read.
  enum class Hdf5Format { v110, v18 } hdf5_format = Hdf5Format::v110;
  // The date attributes of the shard (store-format.md 1.5); false only to test how stores written
  // before them are read.
  bool record_dates = true;
  // Counterpart names as a dictionary and ids (shard format 2); false writes format 1, only to
  // test how stores written before are read (from a ShardData; a ShardStreamWriter refuses it).
  bool names_dictionary = true;
  // true: every chunk through H5Dwrite and HDF5's filter pipeline, as finseg wrote them before it
  // applied its chains itself (H5Dwrite_chunk); only to test that both write the same bytes.
  bool hdf5_pipeline = false;
};

// Writes one shard file and returns its ShardInfo (file name taken from `file`'s filename).
// The written file is byte-identical for identical data and options (no timestamps).
ShardInfo write_shard(const std::filesystem::path& file, const ShardData& data, const Taxonomy& taxonomy,
                      const ShardWriteOptions& options = {});

// Throws StoreError naming the store or file when manifest.json is missing or invalid.
StoreManifest read_manifest(const std::filesystem::path& store);

// Reads the requested columns of one shard (the CSR offsets always). Every byte it uses is
// verified: the file's size against the manifest entry, the HDF5 metadata checksums (superblock,
// object headers, chunk index; shards written in the 1.8 format have no chunk-index checksum),
// Fletcher32 of every chunk read, and the structure (counts, types, lengths, offsets, label
// bits). Columns not requested are not read, so damage confined to them goes unnoticed here.
// verify_file_checksum also compares the CRC-32 of the whole file with the manifest's `checksum`
// first, which reads every byte of the file (finseg run --verify-store). Any mismatch,
// truncation, missing or unreadable file is a StoreError naming the file.
// The shard's counts and dates (root attributes; the data read too) must equal the manifest
// entry `shard`. For a shard written before the date attributes existed the balance dates are
// read as well (kAccountMeta added to `columns`) and the dates checked from the data.
ShardData read_shard(const std::filesystem::path& store, const ShardInfo& shard, ColumnSet columns = kAllColumns,
                     bool verify_file_checksum = false);
// The same, and the shard's label names and groups must be the manifest's `label_groups` (what
// a run and `finseg inspect` use: a label bit means what the manifest says it means).
ShardData read_shard(const std::filesystem::path& store, const std::vector<LabelGroup>& label_groups,
                     const ShardInfo& shard, ColumnSet columns = kAllColumns, bool verify_file_checksum = false);
// The same into `into`, reusing its buffers (what a run does shard after shard: no allocation
// and no zero-filling of the columns once the largest shard so far is read). Columns left out
// are emptied. After an error `into` holds garbage.
void read_shard(const std::filesystem::path& store, const std::vector<LabelGroup>& label_groups, const ShardInfo& shard,
                ColumnSet columns, bool verify_file_checksum, ShardData& into);

// One shard read block by block while a scan goes (what `finseg run` does): the checks and errors
// of read_shard, but the transaction columns are never whole in memory. The constructor checks
// the file and its header against the manifest entry and reads into `head` the offsets and the
// user and account columns (its transaction columns stay empty); block(b, e, window) makes
// `window` a shard of its own holding users [b, e) of it, their transactions decoded chunk by
// chunk just now (so the kernels use them while they are in cache), every chunk verified
// (Fletcher32, structure) before it is used; blocks must come in order. finish() makes the
// checks that need whole columns (lengths, the dates against the manifest). A result computed
// from the blocks counts only once finish() returned. Throws StoreError as read_shard does;
// `head` must outlive the stream, and it and `window` hold garbage after an error.
//
// A stream of users [b, e) only (`users`, a run's split unit: docs/performance.md 2.3) reads the
// head whole as well, but only the chunks that hold its users' transactions (blocks within [b, e)),
// every one of them checked as above, and its checks are those of its range: the whole file's
// CRC-32 (verify_file_checksum) only when it starts at user 0; the string columns' lengths
// against their last offsets only when it ends at the shard's end; the booking dates it read
// within the manifest entry's firstBooking..lastBooking (the exact first and last, which need
// every date of the shard, only when the range is the whole shard). A set of ranges that tile the
// shard thus makes every check of the whole stream but the exact dates, which the root attributes
// (checked against the manifest at every opening) record for a store written since they exist.
struct ShardUsers {
  std::uint64_t begin = 0;
  std::uint64_t end = UINT64_MAX;  // past the last user; the default: to the shard's end
  bool operator==(const ShardUsers&) const = default;
};

class ShardStream {
 public:
  ShardStream(const std::filesystem::path& store, const std::vector<LabelGroup>& label_groups, const ShardInfo& shard,
              ColumnSet columns, bool verify_file_checksum, ShardData& head, ShardUsers users = {});
  ~ShardStream();
  ShardStream(const ShardStream&) = delete;
  ShardStream& operator=(const ShardStream&) = delete;

  void block(std::size_t user_begin, std::size_t user_end, ShardData& window);
  void finish();
  // The most transactions the stream decodes at once (a column's chunk; a whole column when HDF5
  // reads it): a store written with chunks much larger than a block is better read whole.
  std::uint64_t largest_chunk() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Full verification of every shard (finseg inspect): size and whole-file CRC-32 against the
// manifest, every dataset read (Fletcher32 of every chunk), the structure, and the label names
// against the manifest's; throws StoreError naming the first bad shard.
void verify_store(const std::filesystem::path& store, const StoreManifest& manifest);

// Where the chunks of a shard's datasets lie in its file: for `finseg inspect --chunks` and for
// tests that damage one dataset on purpose. Reads only the file's metadata (no checksum of the
// data); throws StoreError naming the file.
struct ChunkLocation {
  std::string dataset;       // "/transactions/amount"
  std::uint64_t first = 0;   // index of the chunk's first element in the dataset
  std::uint64_t offset = 0;  // byte offset of the stored chunk in the file
  std::uint64_t bytes = 0;   // stored (filtered) size
};
std::vector<ChunkLocation> shard_chunk_locations(const std::filesystem::path& store, const ShardInfo& shard);

// The shard file's own format_version (1 or 2, docs/store-format.md 5): the manifest's formatVersion
// stays 1 for stores of either shard format, so `finseg inspect` reads it from each shard's header.
// Reads only the file's root attributes; throws StoreError naming the file.
int shard_format_version(const std::filesystem::path& store, const ShardInfo& shard);

// Removes the temporary folders `<target>.tmp-*` (and their lock files) that no live
// StoreBuilder holds: what a killed import or generate left. Returns the folders removed.
std::vector<std::filesystem::path> remove_abandoned_builds(const std::filesystem::path& target);

// Builds a store in a sibling temporary folder and renames it to `target` on commit().
// Without commit() the destructor removes the temporary folder: no half store is left behind.
// `target` must not exist yet (never overwrite a store). A builder holds a lock on
// `<temp>.lock` while it lives, so that a process killed while building (SIGKILL leaves no
// destructor) leaves a folder the next builder of the same target recognises and removes
// (remove_abandoned_builds), never one another live builder is writing.
class StoreBuilder {
 public:
  explicit StoreBuilder(std::filesystem::path target);
  // For MPI: every rank writes into the folder rank 0 created.
  StoreBuilder(std::filesystem::path target, std::filesystem::path existing_temp_dir);
  ~StoreBuilder();
  StoreBuilder(const StoreBuilder&) = delete;
  StoreBuilder& operator=(const StoreBuilder&) = delete;

  const std::filesystem::path& temp_dir() const noexcept { return temp_; }
  static std::string shard_file_name(int shard);  // "shard-00003.h5"
  ShardInfo write(int shard, const ShardData& data, const Taxonomy& taxonomy, const ShardWriteOptions& options = {});
  // The same from rows streamed in store order (shard_stream.hpp): a shard larger than memory.
  ShardInfo write(int shard, ShardStreamWriter& rows, const Taxonomy& taxonomy, const ShardWriteOptions& options = {});
  // Writes manifest.json (snapshotDate computed from the shards) and renames temp -> target.
  void commit(StoreManifest manifest);
  // Leaves the temporary folder for another rank's builder to commit (MPI non-root ranks).
  void release() noexcept { released_ = true; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::optional<LockFile> lock_;  // rank 0's builder: held until commit or destruction
  std::optional<Taxonomy> taxonomy_;  // what write() saw: fills the manifest's labels on commit()
  bool committed_ = false;
  bool released_ = false;
};

}  // namespace finseg
