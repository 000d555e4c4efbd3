// The shard file format itself (docs/store-format.md): writing a ShardData as one HDF5 file,
// reading columns back, and reading the header attributes. store.cpp adds the manifest,
// checksums and the StoreBuilder on top.
#pragma once

#include "store/h5_handle.hpp"
#include "store/store.hpp"
#include "store/store_structure.hpp"

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace finseg::h5 {

// The root attributes of a shard file.
struct ShardHeader {
  std::int32_t format_version = 0;
  ShardCounts counts;
  std::vector<std::string> labels;        // bit order
  std::vector<std::string> label_groups;  // names among `labels` that are groups
  // The dates the manifest's entry must record (root attributes). dates_recorded is false for a
  // shard written before finseg recorded them: the reader then checks the data instead.
  bool dates_recorded = false;
  std::optional<Day> first_booking;
  std::optional<Day> last_booking;
  std::optional<Day> latest_balance_date;
};

// Opens a shard file read-only (sec2, no file locking: a committed store never changes).
File open_shard_file(const std::filesystem::path& file, const Context& ctx);

// Reads and checks the header (format name and version); throws StoreError.
ShardHeader read_shard_header(hid_t file, const Context& ctx);

// Reads the requested columns (the CSR offsets always) of an open shard file, checking every
// dataset's type and length and the structure of the result; throws StoreError.
ShardData read_shard_columns(hid_t file, const ShardHeader& header, ColumnSet columns, const Context& ctx);
// The same into `into`, whose buffers are reused (the columns left out are emptied).
void read_shard_columns(hid_t file, const ShardHeader& header, ColumnSet columns, const Context& ctx, ShardData& into);

// A shard read block by block while a scan goes (ShardStream, store.hpp). The constructor reads
// and checks into `head` what a scan needs whole (the offsets, the user and account columns; its
// transaction columns are left empty) and checks the type and length of every requested
// transaction column. block(b, e, window) makes `window` a shard of its own holding users [b, e)
// (offsets relative to them): their transactions are decoded chunk by chunk into small buffers
// reused block after block, each chunk checked as read_shard_columns checks it before anything
// of it is used. The first block may start at any user (a run's split unit): the columns then
// start at the chunks holding its transactions. finish() makes the checks that need the whole
// column and returns the range of the booking dates checked (none when not read);
// finish(false), for a stream that ends before the shard's end, leaves out the string columns'
// lengths (the stream reaching the end checks them). Errors are read_shard_columns' (StoreError; a chunk
// failing a check makes the stream read the shard again as read_shard_columns does, to report
// the same error); after one the stream must not be used again. `file`, `ctx` and `head` must
// outlive the stream.
class TransactionStream {
 public:
  TransactionStream(hid_t file, const ShardHeader& header, ColumnSet columns, const Context& ctx, ShardData& head);
  ~TransactionStream();
  TransactionStream(const TransactionStream&) = delete;
  TransactionStream& operator=(const TransactionStream&) = delete;

  void block(std::size_t user_begin, std::size_t user_end, ShardData& window);
  DateRange finish(bool at_shard_end = true);
  // The most values a requested transaction column decodes at once: its chunk size, or all of
  // it when HDF5 reads it (a chain the direct reader does not handle).
  std::uint64_t largest_chunk() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The chunks of every dataset of an open shard file, in layout order (h5layout::kDatasets), then
// by position; throws StoreError.
std::vector<ChunkLocation> chunk_locations(hid_t file, const Context& ctx);

// The elements of one dataset handed out in order, a slab at a time: from memory (a ShardData's
// column) or from the files a streamed shard was spooled to (shard_stream.hpp).
class ColumnSource {
 public:
  virtual ~ColumnSource() = default;
  // The next `count` elements, valid until the next call.
  virtual const void* next(std::size_t count) = 0;
};

// What a shard file is written from: its counts and dates (root attributes) and, for each dataset
// of h5layout::kDatasets in that order, its length and source.
struct ShardColumns {
  static constexpr std::size_t kCount = 22;
  // 2: the names as dictionary and ids; 1 (tests of old stores): datasets 15 and 16 hold the
  // plain names column (h5layout::kNamesV1) and dataset 17 is not written.
  int format_version = kShardFormatVersion;
  ShardCounts counts;
  DateRange bookings;
  std::optional<Day> latest_balance_date;
  std::array<std::uint64_t, kCount> lengths{};
  std::array<ColumnSource*, kCount> sources{};
};

class MemorySource final : public ColumnSource {
 public:
  MemorySource(const void* data, std::size_t element) : at_(static_cast<const char*>(data)), element_(element) {}
  const void* next(std::size_t count) override {
    const char* p = at_;
    at_ += count * element_;
    return p;
  }

 private:
  const char* at_;
  std::size_t element_;
};

// The columns of a ShardData as sources (it must outlive this object); the counterpart names as
// a dictionary and ids (NameDictionary) unless `names_dictionary` is false (format 1).
struct MemoryColumns {
  explicit MemoryColumns(const ShardData& data, bool names_dictionary = true);
  MemoryColumns(const MemoryColumns&) = delete;
  MemoryColumns& operator=(const MemoryColumns&) = delete;
  std::vector<MemorySource> sources;
  ShardColumns columns;
  StringColumn name_dict;               // format 2: the distinct names, in order of first use
  std::vector<std::uint32_t> name_ids;  // format 2: per transaction
};

// Writes the HDF5 file (must not exist); throws IoError. No checksum, no fsync. Every dataset is
// written in slabs of whole chunks whatever its source, so that the bytes depend on the data and
// the options only, never on whether the columns were in memory.
void write_shard_file(const std::filesystem::path& file, const ShardData& data, const Taxonomy& taxonomy,
                      const ShardWriteOptions& options, const Context& ctx);
void write_shard_file(const std::filesystem::path& file, const ShardColumns& columns, const Taxonomy& taxonomy,
                      const ShardWriteOptions& options, const Context& ctx);

// Whether this HDF5 library can encode szip (Debian's links libaec's szip encoder).
bool szip_encoder_available() noexcept;

}  // namespace finseg::h5
