#include "csv/csv_record.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// The first byte at or after p that ends an unquoted field (or n). 16 bytes a step: the fields of
// a bank's export are mostly 5-30 bytes, so the first step usually finds the comma, and the
// byte-by-byte table loop it replaces was the parser's hottest line.
std::size_t unquoted_field_end(const char* d, std::size_t p, std::size_t n) noexcept {
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
                quote = _mm_set1_epi8('"');
  for (; p + 16 <= n; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, quote)));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return p + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  while (p < n && !kSpecial[static_cast<unsigned char>(d[p])]) ++p;
  return p;
}

// The bytes that end an unquoted field, found 64 at a time: one bit per byte in a mask, kept
// while the record's next fields are in the same 64 bytes, so a field costs a shift and a count of
// trailing zeros instead of a vector scan of its own (a record of ~115 bytes is two blocks).
class SpecialBlocks {
 public:
  // The first byte at or after p that ends an unquoted field (or n), as unquoted_field_end.
  std::size_t field_end(const char* d, std::size_t p, std::size_t n) noexcept {
#if defined(__SSE2__)
    for (;;) {
      if (p - base_ < 64) {  // p inside the block (unsigned: false when p < base_)
        const std::uint64_t rest = bits_ >> (p - base_);
        if (rest != 0) return p + static_cast<std::size_t>(__builtin_ctzll(rest));
        p = base_ + 64;
      }
      if (n - p < 64) break;  // the window's last bytes (p <= n here): 16 or 1 at a time
      base_ = p;
      bits_ = mask_of(d + p);
    }
#endif
    return unquoted_field_end(d, p, n);
  }

#if defined(__SSE2__)
  // One bit per byte of s[0, 64) that ends an unquoted field or makes it malformed.
  static std::uint64_t mask_of(const char* s) noexcept {
    __m128i bytes_ored = _mm_setzero_si128();
    return mask_of(s, bytes_ored);
  }
  // The same, and the 64 bytes or-ed into `bytes_ored` (its high bits say whether one is not ASCII).
  static std::uint64_t mask_of(const char* s, __m128i& bytes_ored) noexcept {
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
                  quote = _mm_set1_epi8('"');
    std::uint64_t m = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16 * k));
      bytes_ored = _mm_or_si128(bytes_ored, v);
      const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, quote)));
      m |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(hit))) << (16 * k);
    }
    return m;
  }
#endif

 private:
  std::size_t base_ = static_cast<std::size_t>(-1) / 2;  // no block yet
  std::uint64_t bits_ = 0;
};

// The usual record: LF or CRLF at its end, whole 64-byte blocks before the window's end, fields
// unquoted or quoted without a doubled quote or a line end inside (a bank's purpose with a comma).
// Its fields are read from the bits of the blocks' masks alone, one set bit per field (a count of
// trailing zeros, the lowest bit cleared), with no per-field test of the byte before and after and
// no per-field block check: the general loop spent ~560 instructions per row of a bank's export.
// False, with nothing kept, for anything else (a doubled quote, a line end inside quotes, a quote
// inside an unquoted field, text after a closing quote, a lone CR, the window's last bytes): the
// general parser then reads the record from its start, unescapes, counts lines or says what is
// wrong. (Quoted rows, ~5 % of a bank's export, were all read twice before.)
bool parse_plain_record(const char* d, std::size_t n, std::size_t p, Record& rec, std::size_t& record_end,
                        std::size_t& next_pos) noexcept {
#if defined(__SSE2__)
  std::size_t field_begin = p;
  __m128i bytes_ored = _mm_setzero_si128();
  std::uint64_t bits = 0;
  std::size_t base = p;
  // The next set bit's byte at or after the current one, into the following blocks as needed.
  const auto next_bit = [&](std::size_t& at) {
    while (bits == 0) {
      base += 64;
      if (n - base < 64) return false;
      bits = SpecialBlocks::mask_of(d + base, bytes_ored);
    }
    at = base + static_cast<std::size_t>(__builtin_ctzll(bits));
    return true;
  };
  for (; n - base >= 64; base += 64) {
    for (bits = SpecialBlocks::mask_of(d + base, bytes_ored); bits != 0; bits &= bits - 1) {
      std::size_t at = base + static_cast<std::size_t>(__builtin_ctzll(bits));
      char c = d[at];
      std::string_view field(d + field_begin, at - field_begin);
      if (c == '"') {
        if (at != field_begin) return false;
        std::size_t close = at;
        do {  // past the commas inside the quotes
          bits &= bits - 1;
          if (!next_bit(close)) return false;
        } while (d[close] == ',');
        if (d[close] != '"' || close + 1 >= n || d[close + 1] == '"') return false;
        bits &= bits - 1;
        if (!next_bit(at) || at != close + 1) return false;
        c = d[at];
        field = std::string_view(d + field_begin + 1, close - field_begin - 1);
      }
      rec.fields.push_back(field);
      if (c == ',') {
        field_begin = at + 1;
        continue;
      }
      record_end = at;
      // The blocks' bytes include the record's, so all ASCII there means an ASCII record (a
      // non-ASCII byte after the record's end only leaves the UTF-8 check to be done).
      rec.ascii = _mm_movemask_epi8(bytes_ored) == 0;
      if (c == '\n') {
        next_pos = at + 1;
        return true;
      }
      if (at + 1 >= n || d[at + 1] != '\n') return false;  // '\r': CRLF or the general parser's error
      next_pos = at + 2;
      return true;
    }
  }
#else
  (void)d, (void)n, (void)p, (void)rec, (void)record_end, (void)next_pos;
#endif
  return false;
}

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
// bytes and parse the same record again from its start (`rec` is refilled from scratch then).
Parse RecordParser::parse_record(Window& w, Record& rec) {
  char* const d = w.data;
  const std::size_t n = w.size;
  const std::size_t record_begin = w.pos;
  std::uint64_t line = w.line;
  rec.fields.clear();
  doubled_.clear();
  std::size_t p = w.pos, record_end = n, next_pos = n;
  if (parse_plain_record(d, n, p, rec, record_end, next_pos)) {
    rec.line = line;
    w.pos = next_pos;
    w.line = line + 1;
    rec.raw = std::string_view(d + record_begin, record_end - record_begin);
    return Parse::record;
  }
  rec.fields.clear();
  rec.ascii = false;
  record_end = n;
  next_pos = n;
  SpecialBlocks blocks;
  for (;;) {
    std::size_t begin = p, end = p;
    if (p < n && d[p] == '"') {
      const std::uint64_t open_line = line;
      bool doubled = false;
      begin = ++p;
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
          doubled = true;
          p = qi + 2;
          continue;
        }
        end = qi;
        p = qi + 1;
        break;
      }
      if (p < n && d[p] != ',' && d[p] != '\n' && d[p] != '\r')
        fail(line, "text after the closing quote of a quoted field");
      if (doubled) doubled_.push_back(rec.fields.size());
    } else {
      p = blocks.field_end(d, p, n);
      if (p < n && d[p] == '"')
        fail(line, "quote inside an unquoted field (quote the whole field and double the quote)");
      end = p;
    }
    if (p >= n && !w.final) return Parse::need_more;
    // The view is made now, not from a list of spans in a second pass (that pass was ~10 % of a
    // read); the few fields with doubled quotes are unescaped in finish_record.
    rec.fields.emplace_back(d + begin, end - begin);
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
  rec.raw = std::string_view(d + record_begin, record_end - record_begin);
  if (!doubled_.empty()) finish_record(rec);
  return Parse::record;
}

// Every quote inside a field listed in doubled_ is one of a pair: each pair becomes one quote, in
// place (the raw record is copied first, since the unescaping changes its bytes) or, when the
// window's bytes must stay unchanged, in a copy of the record.
void RecordParser::finish_record(Record& rec) {
  const char* const raw = rec.raw.data();
  raw_scratch_.assign(rec.raw);
  rec.raw = raw_scratch_;
  char* out_record = const_cast<char*>(raw);
  if (!in_place_) {
    unescaped_.assign(raw_scratch_);
    out_record = unescaped_.data();
  }
  for (const std::size_t i : doubled_) {
    const char* const from = rec.fields[i].data();
    char* const to = out_record + (from - raw);
    const std::size_t size = rec.fields[i].size();
    std::size_t out = 0;
    for (std::size_t r = 0; r < size; ++r, ++out) {
      to[out] = from[r];
      if (from[r] == '"') ++r;
    }
    rec.fields[i] = std::string_view(to, out);
  }
}

}  // namespace finseg::csv::detail
