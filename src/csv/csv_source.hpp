// Where the records of a bank's CSV export come from, cut into units of work for a parallel import
// (issue 12): several files of one kind (transactions*.csv, accounts*.csv), plain or compressed
// (gzip .gz, zstd .zst), a plain file split into byte ranges, read with bounded memory.
//
// Record boundaries under RFC 4180 are found exactly, not guessed: a quoted field may hold line
// ends, but every '"' toggles "inside quotes" (an escaped "" toggles twice), so the state at the
// start of a byte range is the parity of the quotes before it. Each range is scanned once for its
// quote and line-end counts (scan_unit, in parallel), an exclusive prefix over the units in plan
// order gives every unit its state and first line number (resolve_units), and a unit then reads
// exactly the records that *start* inside it. A compressed file is one unit (it cannot be split).
#pragma once

#include "csv/csv_reader.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace finseg::csv {

enum class Compression { none, gzip, zstd };

// The compression of a file, from its name (.gz, .zst); anything else is plain.
Compression compression_of(const std::filesystem::path& file);

// The files of one kind in `dir`: `stem`.csv, `stem`*.csv, with .gz / .zst variants, sorted by
// file name (byte order), so the same folder always gives the same order. Throws IoError when
// there is none.
std::vector<std::filesystem::path> find_input_files(const std::filesystem::path& dir, std::string_view stem);

struct InputUnit {
  std::filesystem::path file;
  std::uint32_t file_index = 0;        // position of the file in the list it was planned from
  std::uint64_t begin = 0, end = 0;    // byte range of the file (compressed: the whole file)
  Compression compression = Compression::none;
  // Filled by resolve_units: the state at `begin`.
  bool starts_in_quotes = false;
  std::uint64_t first_line = 1;        // physical line number (1-based) of the byte at `begin`
  bool first_of_file = true;           // the unit holds the file's header row (and a BOM, if any)
};

// Cuts the files into units of about `target_bytes` (a compressed file is one unit), in file
// order then byte order: the unit order is the order of the rows in the input.
std::vector<InputUnit> plan_units(const std::vector<std::filesystem::path>& files, std::uint64_t target_bytes);

// What one pass over a plain unit's bytes finds. Every file starts outside quotes at line 1, so the
// prefix restarts at each file, and a compressed unit (a whole file) needs no scan: zeros.
struct UnitScan {
  std::uint64_t quotes = 0;      // '"' bytes in the unit
  std::uint64_t line_ends = 0;   // '\n' bytes in the unit
  template <class Archive>
  void serialize(Archive& ar) { ar(quotes, line_ends); }
};
UnitScan scan_unit(const InputUnit& unit);

// Sets starts_in_quotes / first_line / first_of_file of every unit from the scans of all units
// (scans[i] belongs to units[i]); deterministic, independent of which rank scanned what.
void resolve_units(std::vector<InputUnit>& units, const std::vector<UnitScan>& scans);

// The longest record a UnitReader takes: a longer one is an InputError (in practice a quoted field
// left open, which would otherwise pull the rest of the file into memory).
inline constexpr std::size_t kMaxRecordBytes = std::size_t{64} << 20;

// Reads the records that start inside one resolved unit, with a bounded buffer (a record longer
// than the buffer grows it, up to kMaxRecordBytes). The file's header row
// is not returned as a record: header() gives it (the first unit of a file reads it; later units
// of the same file read the header from the file's start, a few bytes). Malformed quoting is an
// InputError "FILE:LINE: ..." as in csv::Reader (the same parser, csv_record.hpp). Record::line is
// the physical line in the file. A compressed unit is read as a stream with bounded memory too; a
// corrupt or truncated one is an InputError naming the file.
class UnitReader {
 public:
  explicit UnitReader(const InputUnit& unit, std::size_t buffer_bytes = std::size_t{8} << 20);
  ~UnitReader();
  UnitReader(const UnitReader&) = delete;
  UnitReader& operator=(const UnitReader&) = delete;

  // The file's first record (views valid for the reader's lifetime); empty fields when the file
  // holds no record at all (empty, or only empty lines): see has_header().
  const Record& header() const;
  bool has_header() const;
  // The next record into `rec`; its field views are valid until the next call. False at the end.
  bool next(Record& rec);
  std::uint64_t bytes_read() const;  // raw (compressed) bytes consumed so far, for progress
  const std::string& file_name() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace finseg::csv
