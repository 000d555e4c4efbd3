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
// order then byte order: the unit order is the order of the rows in the input. A plain file's
// number of units is rounded up to a multiple of `parts_multiple` (the ranks, which take units
// i % P: 17 units of a 1.1 GB file gave one rank 9 and the other 8, which then waited an eighth
// of the phase; 18 smaller ones give each 9), unless the file has fewer bytes than that.
std::vector<InputUnit> plan_units(const std::vector<std::filesystem::path>& files, std::uint64_t target_bytes,
                                  std::uint64_t parts_multiple = 1);

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
// Malformed quoting breaks the parity for the units after it: they may read wrong records or fail
// otherwise. The FIRST unit in plan order whose UnitReader throws gives exactly csv::Reader's
// error (tests/fuzz/csv_source checks it), and the units before it read exactly Reader's records;
// whatever later units of that file read or throw must be ignored.
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
// corrupt, truncated or empty one is an InputError naming the file.
//
// Memory of one reader: a plain file is read through a read-only mapping (no buffer; the pages
// read are given back every 8 MiB, so ~8 MiB and one record stay resident; a record longer than
// max(buffer, max_record_bytes) fails as below), or, when it cannot be mapped, its buffer
// (buffer_bytes, or the unit's size + 64 KiB if smaller; it grows to the longest record, at most
// max(buffer_bytes, max_record_bytes)); 64 KiB for a later unit's header; and for compressed input a 256 KiB input block plus the decoder: zlib ~40 KiB; libzstd
// the frame's window, which libzstd caps at 128 MiB by default (zstd -1..-19 use 0.5-8 MiB; a
// file made with --long=31 is refused as "Frame requires too much memory for decoding").
class UnitReader {
 public:
  // A record longer than max(buffer_bytes, max_record_bytes) is an InputError.
  explicit UnitReader(const InputUnit& unit, std::size_t buffer_bytes = std::size_t{8} << 20,
                      std::size_t max_record_bytes = kMaxRecordBytes);
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
