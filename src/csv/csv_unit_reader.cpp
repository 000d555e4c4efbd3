// csv::UnitReader: the records that start inside one resolved unit, parsed by csv_record.hpp's
// parser over a bounded window that slides along the file.
#include "core/errors.hpp"
#include "csv/csv_byte_source.hpp"
#include "csv/csv_record.hpp"
#include "csv/csv_source.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace finseg::csv {

namespace {
constexpr std::uint64_t kNoBound = std::numeric_limits<std::uint64_t>::max();
constexpr unsigned char kBom[3] = {0xEF, 0xBB, 0xBF};
// A later unit reads its file's header through a window of this size (it grows for a longer header).
constexpr std::size_t kHeaderBuffer = std::size_t{64} << 10;
}  // namespace

struct UnitReader::Impl {
  Impl(const InputUnit& unit, std::size_t buffer_bytes, std::size_t max_record_bytes);

  bool next(Record& rec);
  std::uint64_t bytes_read() const;

 private:
  // A mapped file is one final window, cut at the longest record from pos (so a quoted field left
  // open fails as with a buffer, "a record longer than ...", not at the end of the file).
  detail::Window window() {
    if (!mapped) return {buf.data(), filled, eof, pos, line};
    window_begin = pos;
    const bool to_end = filled - pos <= record_limit;
    return {mapped->data(), to_end ? filled : pos + record_limit, to_end, pos, line};
  }
  char* bytes() noexcept { return mapped ? mapped->data() : buf.data(); }
  void keep(const detail::Window& w) noexcept {
    pos = w.pos;
    line = w.line;
  }
  void more();
  bool read_record(Record& rec, bool bounded);
  void skip_bom();
  void read_own_header();
  void read_header_from_file_start();
  void seek_first_record();

 public:
  InputUnit unit;
  std::string name;
  bool owns_header;  // the unit starts the file: the header is its first record
  std::uint64_t end;  // records start before this offset (a compressed file: no bound)
  std::size_t max_record;
  std::unique_ptr<detail::ByteSource> source;  // compressed, or a file that cannot be mapped
  detail::RecordParser parser;
  std::vector<char> buf;
  // A plain file read where it lies (no read() copying it into buf): [start, file end).
  std::unique_ptr<detail::MappedBytes> mapped;
  std::size_t record_limit = 0;  // mapped: the longest record, as long as buf could have grown
  std::size_t window_begin = 0;  // mapped: pos when the last window was made
  std::size_t filled = 0, pos = 0;  // buf[0, filled) holds bytes; buf[pos] is the next to parse
  std::uint64_t line = 1;           // physical line of buf[pos]
  std::uint64_t buf_offset = 0;     // offset in the (decompressed) file of buf[0]
  std::uint64_t last_start = 0;     // offset of the last record read
  bool eof = false, done = false;

  bool has_header = false;
  std::uint64_t header_offset = kNoBound;
  Record header;
  std::vector<std::string> header_fields;  // what header's views point to
  std::string header_raw;
};

UnitReader::Impl::Impl(const InputUnit& u, std::size_t buffer_bytes, std::size_t max_record_bytes)
    : unit(u),
      name(u.file.filename().string()),
      owns_header(u.compression != Compression::none || u.begin == 0),
      end(u.compression != Compression::none ? kNoBound : u.end),
      max_record(max_record_bytes),
      parser(name) {
  // A later unit starts one byte early: whether that byte is a line end outside quotes says
  // whether a record starts exactly at `begin`.
  const std::uint64_t start = owns_header ? 0 : u.begin - 1;
  // A small unit needs no more than its bytes and a record beyond them (it grows if not).
  const std::size_t buffer = std::max<std::size_t>(
      1, u.compression != Compression::none
             ? buffer_bytes
             : static_cast<std::size_t>(std::min<std::uint64_t>(buffer_bytes, u.end - u.begin + kHeaderBuffer)));
  if (u.compression == Compression::none) mapped = detail::MappedBytes::open(u.file, start, kNoBound);
  if (mapped) {
    filled = mapped->size();
    eof = true;
    record_limit = std::max(buffer, max_record);
    parser.keep_bytes_unchanged();
  } else {
    source = detail::open_byte_source(u.file, u.compression, start, end);
    buf.resize(buffer);
  }
  if (owns_header) {
    skip_bom();
    read_own_header();
  } else {
    buf_offset = u.begin - 1;
    line = u.first_line;
    read_header_from_file_start();
    seek_first_record();
  }
}

// Slides the window: drops the bytes before pos, grows the buffer when one record fills it, reads
// what fits. At the end of the file the window becomes final instead.
void UnitReader::Impl::more() {
  if (mapped && pos == window_begin)  // a whole window from pos, and the record still goes on
    parser.fail(line, "a record longer than " + std::to_string(record_limit) + " bytes (is a quoted field left open?)");
  if (eof) return;
  if (pos > 0) {
    std::memmove(buf.data(), buf.data() + pos, filled - pos);
    buf_offset += pos;
    filled -= pos;
    pos = 0;
  }
  if (filled == buf.size()) {
    if (buf.size() >= max_record)
      parser.fail(line, "a record longer than " + std::to_string(buf.size()) + " bytes (is a quoted field left open?)");
    buf.resize(std::min(buf.size() * 2, max_record));
  }
  const std::size_t got = source->read(buf.data() + filled, buf.size() - filled);
  filled += got;
  eof = got == 0;
}

// The next record at or after pos; with `bounded`, only one that starts before `end`.
bool UnitReader::Impl::read_record(Record& rec, bool bounded) {
  for (;;) {
    detail::Window w = window();
    const bool skipped = parser.skip_empty_lines(w);
    keep(w);
    if (bounded && buf_offset + pos >= end) return false;
    // (mapped: empty lines up to the window's end; the next window goes on from there)
    if (!skipped || (pos == filled && !eof) || (mapped && pos == w.size && !w.final)) {
      more();
      continue;
    }
    if (pos == filled) return false;  // the end of the file
    last_start = buf_offset + pos;
    if (mapped && pos != window_begin) w = window();  // the longest record counts from the record's start
    if (parser.parse_record(w, rec) == detail::Parse::record) {
      keep(w);
      return true;
    }
    more();
  }
}

void UnitReader::Impl::skip_bom() {
  while (filled < sizeof kBom && !eof) more();
  if (filled >= sizeof kBom && std::memcmp(bytes(), kBom, sizeof kBom) == 0) pos = sizeof kBom;
}

void UnitReader::Impl::read_own_header() {
  Record rec;
  if (!read_record(rec, false)) return;  // an empty file: no header
  has_header = true;
  header_offset = last_start;
  header_fields.assign(rec.fields.begin(), rec.fields.end());
  header_raw.assign(rec.raw);
  header.fields.assign(header_fields.begin(), header_fields.end());
  header.raw = header_raw;
  header.line = rec.line;
}

// A few bytes from the file's start, through a unit of its own; the header's offset lets this
// unit skip the header should it start inside this unit (after empty lines at the file's start).
void UnitReader::Impl::read_header_from_file_start() {
  InputUnit head = unit;
  head.begin = 0;
  head.end = 0;
  head.first_line = 1;
  head.starts_in_quotes = false;
  head.first_of_file = true;
  const Impl h(head, kHeaderBuffer, max_record);
  has_header = h.has_header;
  header_offset = h.header_offset;
  header_fields = h.header_fields;
  header_raw = h.header_raw;
  header.fields.assign(header_fields.begin(), header_fields.end());
  header.raw = header_raw;
  header.line = h.header.line;
}

// buf[0] is the byte before `begin`. The first record of the unit starts after the first line end
// outside quotes at or after that byte (quote parity from starts_in_quotes), if that is before `end`.
void UnitReader::Impl::seek_first_record() {
  bool in_quotes = unit.starts_in_quotes;
  while (filled == 0 && !eof) more();
  if (filled == 0) {
    done = true;
    return;
  }
  pos = 1;
  if (bytes()[0] == '\n' && !in_quotes) return;
  for (;;) {
    if (buf_offset + pos >= end || (pos == filled && eof)) {
      done = true;
      return;
    }
    if (pos == filled) {
      more();
      continue;
    }
    const char* const d = bytes();
    const std::size_t stop = static_cast<std::size_t>(std::min<std::uint64_t>(filled, end - buf_offset));
    for (std::size_t i = pos; i < stop; ++i) {
      if (d[i] == '"') {
        in_quotes = !in_quotes;
      } else if (d[i] == '\n') {
        ++line;
        if (!in_quotes) {
          pos = i + 1;
          return;
        }
      }
    }
    pos = stop;
  }
}

bool UnitReader::Impl::next(Record& rec) {
  if (mapped) mapped->release_before(pos);  // the record before is no longer needed
  while (!done) {
    if (!read_record(rec, true)) {
      done = true;
      break;
    }
    // A header after empty lines can start past the first unit's end: it is still the first unit's.
    if (!owns_header && last_start == header_offset) continue;
    return true;
  }
  return false;
}

// Plain: the bytes of [begin, end) parsed so far (the units of a file add up to its size).
// Compressed: the compressed bytes consumed.
std::uint64_t UnitReader::Impl::bytes_read() const {
  if (unit.compression != Compression::none) return source->raw_bytes_read();
  const std::uint64_t size = unit.end - unit.begin;
  if (done) return size;
  const std::uint64_t at = buf_offset + pos;
  return at <= unit.begin ? 0 : std::min(at - unit.begin, size);
}

UnitReader::UnitReader(const InputUnit& unit, std::size_t buffer_bytes, std::size_t max_record_bytes)
    : impl_(std::make_unique<Impl>(unit, buffer_bytes, max_record_bytes)) {}
UnitReader::~UnitReader() = default;

const Record& UnitReader::header() const { return impl_->header; }
bool UnitReader::has_header() const { return impl_->has_header; }
bool UnitReader::next(Record& rec) { return impl_->next(rec); }
std::uint64_t UnitReader::bytes_read() const { return impl_->bytes_read(); }
const std::string& UnitReader::file_name() const { return impl_->name; }

}  // namespace finseg::csv
