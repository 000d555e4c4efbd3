// An RFC 4180 reader over a whole file held in memory (the grammar is csv_record.hpp's parser,
// which csv::UnitReader shares for a byte range of a file read with bounded memory).
//
// Fields come back as string_views into the reader's own buffer: a quoted field with doubled
// quotes is unescaped *in place* (the unescaped text is never longer than the raw text), so every
// field view stays valid for the reader's whole lifetime and no field costs an allocation.
//
// Accepted: a UTF-8 byte-order mark at the start (skipped), records ending in CRLF or LF (mixed
// is fine), a last record without a line end, quoted fields holding commas, quotes ("") and CR/LF
// line breaks. Completely empty lines are skipped (they cannot be a record of a multi-column file).
// Malformed quoting is an InputError "FILE:LINE: ..." that stops the read, since no reader can
// tell where the next record starts: a quote inside an unquoted field, text after a closing
// quote, a quote still open at the end of the file, a CR that is not followed by LF outside quotes.
#pragma once

#include "csv/csv_record.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace finseg::csv {

class Reader {
 public:
  // Takes the whole content; `file_name` is what error messages call the file.
  Reader(std::string_view content, std::string file_name);
  Reader(std::vector<char> content, std::string file_name);
  // Reads the whole file; throws IoError when it cannot be read.
  static Reader open(const std::filesystem::path& file);

  Reader(Reader&&) noexcept = default;
  Reader& operator=(Reader&&) noexcept = default;

  // The next record into `rec` (its vector is reused); false at the end of the file.
  bool next(Record& rec);

  const std::string& file_name() const noexcept { return parser_.file_name(); }
  std::size_t size_bytes() const noexcept { return data_.size(); }

 private:
  std::vector<char> data_;  // a vector, not a string: moving it never moves the bytes (no SSO)
  detail::RecordParser parser_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 1;
};

// The header row matched against the columns a file needs, by name, in any order.
class ColumnMap {
 public:
  // Throws InputError naming the file and the column when a header name appears twice or a
  // required column is missing. Other columns are ignored.
  ColumnMap(const Record& header, std::span<const std::string_view> required, const std::string& file_name);
  // Index in a record of required column i.
  std::size_t operator[](std::size_t i) const noexcept { return index_[i]; }
  std::size_t header_fields() const noexcept { return header_fields_; }

 private:
  std::vector<std::size_t> index_;
  std::size_t header_fields_ = 0;
};

}  // namespace finseg::csv
