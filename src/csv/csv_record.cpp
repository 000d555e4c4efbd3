#include "csv/csv_record.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace finseg::csv::detail {

namespace {

// Bytes that end an unquoted field or make it malformed.
constexpr std::array<bool, 256> make_special() {
  std::array<bool, 256> t{};
  t[static_cast<unsigned char>(',')] = true;
  t[static_cast<unsigned char>('\n')] = true;
  t[static_cast<unsigned char>('\r')] = true;
  t[static_cast<unsigned char>('"')] = true;
  return t;
}
constexpr std::array<bool, 256> kSpecial = make_special();

}  // namespace

void RecordParser::fail(std::uint64_t line, const std::string& what) const {
  throw InputError(file_name_ + ":" + std::to_string(line) + ": malformed CSV: " + what);
}

bool RecordParser::skip_empty_lines(Window& w) const noexcept {
  const char* const d = w.data;
  const std::size_t n = w.size;
  while (w.pos < n) {
    if (d[w.pos] == '\n') {
      ++w.pos;
      ++w.line;
    } else if (d[w.pos] == '\r' && w.pos + 1 < n) {
      if (d[w.pos + 1] != '\n') break;  // a lone CR: the record parser names the error
      w.pos += 2;
      ++w.line;
    } else if (d[w.pos] == '\r') {  // the window's last byte
      if (!w.final) return false;
      ++w.pos;
      ++w.line;
    } else {
      break;
    }
  }
  return true;
}

// Every return of need_more happens before `w` or a byte changes, so the caller can bring more
// bytes and parse the same record again from its start.
Parse RecordParser::parse_record(Window& w, Record& rec) {
  char* const d = w.data;
  const std::size_t n = w.size;
  const std::size_t record_begin = w.pos;
  std::uint64_t line = w.line;
  spans_.clear();
  bool any_doubled = false;
  std::size_t p = w.pos, record_end = n, next_pos = n;
  for (;;) {
    FieldSpan f{p, p, false};
    if (p < n && d[p] == '"') {
      const std::uint64_t open_line = line;
      f.begin = ++p;
      for (;;) {
        const void* q = std::memchr(d + p, '"', n - p);
        if (!q) {
          if (!w.final) return Parse::need_more;
          fail(open_line, "quoted field still open at the end of the file");
        }
        const std::size_t qi = static_cast<std::size_t>(static_cast<const char*>(q) - d);
        line += static_cast<std::uint64_t>(std::count(d + p, d + qi, '\n'));
        if (qi + 1 == n && !w.final) return Parse::need_more;  // "" or a closing quote: the next byte says
        if (qi + 1 < n && d[qi + 1] == '"') {
          f.doubled_quotes = true;
          p = qi + 2;
          continue;
        }
        f.end = qi;
        p = qi + 1;
        break;
      }
      if (p < n && d[p] != ',' && d[p] != '\n' && d[p] != '\r')
        fail(line, "text after the closing quote of a quoted field");
      any_doubled |= f.doubled_quotes;
    } else {
      while (p < n && !kSpecial[static_cast<unsigned char>(d[p])]) ++p;
      if (p < n && d[p] == '"')
        fail(line, "quote inside an unquoted field (quote the whole field and double the quote)");
      f.end = p;
    }
    if (p >= n && !w.final) return Parse::need_more;
    spans_.push_back(f);
    if (p >= n) break;  // the last record of the file, without a line end
    if (d[p] == ',') {
      ++p;
      continue;
    }
    record_end = p;
    if (d[p] == '\n') {
      next_pos = p + 1;
    } else if (p + 1 < n) {  // '\r'
      if (d[p + 1] != '\n') fail(line, "carriage return without a line feed outside a quoted field");
      next_pos = p + 2;
    } else if (!w.final) {
      return Parse::need_more;
    }
    ++line;
    break;
  }
  rec.line = w.line;
  w.pos = next_pos;
  w.line = line;
  finish_record(d, record_begin, record_end, any_doubled, rec);
  return Parse::record;
}

void RecordParser::finish_record(char* d, std::size_t record_begin, std::size_t record_end, bool any_doubled,
                                 Record& rec) {
  rec.raw = std::string_view(d + record_begin, record_end - record_begin);
  if (any_doubled) {
    raw_scratch_.assign(rec.raw);  // before the in-place unescaping below changes the bytes
    rec.raw = raw_scratch_;
  }
  rec.fields.resize(spans_.size());
  for (std::size_t i = 0; i < spans_.size(); ++i) {
    FieldSpan& f = spans_[i];
    if (f.doubled_quotes) {  // every quote inside a quoted field is one of a pair
      std::size_t w = f.begin;
      for (std::size_t r = f.begin; r < f.end; ++r, ++w) {
        d[w] = d[r];
        if (d[r] == '"') ++r;
      }
      f.end = w;
    }
    rec.fields[i] = std::string_view(d + f.begin, f.end - f.begin);
  }
}

}  // namespace finseg::csv::detail
