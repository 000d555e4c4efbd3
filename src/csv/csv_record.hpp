// The RFC 4180 record grammar: a Record, and the one parser that csv::Reader (a whole file in
// memory) and csv::UnitReader (a bounded window sliding over a stream) share, so both accept and
// reject exactly the same text, with the same messages and line numbers.
//
// Accepted: records ending in CRLF or LF (mixed is fine), a last record without a line end,
// quoted fields holding commas, quotes ("") and CR/LF line breaks. Completely empty lines are
// skipped. Malformed quoting is an InputError "FILE:LINE: malformed CSV: ...".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace finseg::csv {

struct Record {
  std::vector<std::string_view> fields;  // csv::Reader: valid for the reader's lifetime (also after
                                         // a move); csv::UnitReader: until its next call of next()
  std::uint64_t line = 0;                // physical line (1-based) where the record starts
  std::string_view raw;                  // the record's bytes as in the file, without its line end;
                                         // valid until the next call of next()
  bool ascii = false;  // the parser saw that every byte of raw is ASCII (false: not known), so
                       // the UTF-8 check of the row has nothing to do
};

namespace detail {

// The bytes being parsed. `final`: nothing follows data[size) (the end of the file); otherwise a
// record that reaches the end of the window cannot be finished yet and the caller must bring more.
struct Window {
  char* data = nullptr;
  std::size_t size = 0;
  bool final = true;
  std::size_t pos = 0;     // next byte to parse
  std::uint64_t line = 1;  // physical line (1-based) of data[pos]
};

enum class Parse { record, need_more };

class RecordParser {
 public:
  explicit RecordParser(std::string file_name) : file_name_(std::move(file_name)) {}
  // The window's bytes are read-only (a mapped file): a field with doubled quotes is unescaped
  // into a copy of the record, valid until the next record, instead of in place.
  void keep_bytes_unchanged() noexcept { in_place_ = false; }

  // Skips completely empty lines (LF, CRLF). False when the window ends on a CR that a LF may
  // follow in the bytes not yet seen (the lines skipped so far stay skipped).
  bool skip_empty_lines(Window& w) const noexcept;
  // Parses the record at w.pos (not at the window's end, not an empty line) into `rec`: its fields
  // are views into the window, unescaped in place (or, after keep_bytes_unchanged, a field with
  // doubled quotes views a copy). need_more leaves `w` and the bytes unchanged.
  Parse parse_record(Window& w, Record& rec);

  const std::string& file_name() const noexcept { return file_name_; }
  [[noreturn]] void fail(std::uint64_t line, const std::string& what) const;

 private:
  void finish_record(Record& rec);

  std::string file_name_;
  std::vector<std::size_t> doubled_;  // the fields of the record being parsed with doubled quotes
  std::string raw_scratch_;
  std::string unescaped_;  // the record with its doubled quotes unescaped, when not in place
  bool in_place_ = true;
};

}  // namespace detail
}  // namespace finseg::csv
