#include "csv/csv_reader.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace finseg::csv {

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

std::size_t skip_bom(const std::vector<char>& d) {
  return d.size() >= 3 && static_cast<unsigned char>(d[0]) == 0xEF && static_cast<unsigned char>(d[1]) == 0xBB &&
                 static_cast<unsigned char>(d[2]) == 0xBF
             ? 3
             : 0;
}

}  // namespace

Reader::Reader(std::string_view content, std::string file_name)
    : Reader(std::vector<char>(content.begin(), content.end()), std::move(file_name)) {}

Reader::Reader(std::vector<char> content, std::string file_name)
    : data_(std::move(content)), file_name_(std::move(file_name)) {
  pos_ = skip_bom(data_);
}

Reader Reader::open(const std::filesystem::path& file) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) throw IoError("cannot read " + file.string() + ": " + std::strerror(errno));
  std::vector<char> data;
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  // One byte more than the size: the read that finds the end still fits, so a file is read into
  // one buffer of its size (growing the buffer past it copied the whole file and doubled the peak
  // memory, and a small file cost a zeroed 4 MiB block).
  if (!ec) data.reserve(static_cast<std::size_t>(size) + 1);
  // The size is only a hint (the file may be a pipe or still growing): beyond it, big blocks.
  constexpr std::size_t kBlock = std::size_t{1} << 22;
  std::size_t used = 0;
  for (;;) {
    const std::size_t want = data.capacity() > used ? data.capacity() - used : kBlock;
    data.resize(used + want);
    const std::size_t got = std::fread(data.data() + used, 1, want, f);
    used += got;
    if (got < want) break;
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw IoError("cannot read " + file.string() + ": read error");
  data.resize(used);
  return Reader(std::move(data), file.filename().string());
}

void Reader::fail(std::uint64_t line, const std::string& what) const {
  throw InputError(file_name_ + ":" + std::to_string(line) + ": malformed CSV: " + what);
}

bool Reader::next(Record& rec) {
  char* const d = data_.data();
  const std::size_t n = data_.size();
  while (pos_ < n) {  // empty lines
    if (d[pos_] == '\n') {
      ++pos_;
      ++line_;
    } else if (d[pos_] == '\r' && (pos_ + 1 == n || d[pos_ + 1] == '\n')) {
      pos_ += pos_ + 1 == n ? 1 : 2;
      ++line_;
    } else {
      break;
    }
  }
  if (pos_ >= n) return false;

  rec.line = line_;
  spans_.clear();
  const std::size_t record_begin = pos_;
  std::size_t record_end = n;
  bool any_doubled = false;
  std::size_t p = pos_;
  for (;;) {
    FieldSpan f{p, p, false};
    if (p < n && d[p] == '"') {
      const std::uint64_t open_line = line_;
      f.begin = ++p;
      for (;;) {
        const void* q = std::memchr(d + p, '"', n - p);
        if (!q) fail(open_line, "quoted field still open at the end of the file");
        const std::size_t qi = static_cast<std::size_t>(static_cast<const char*>(q) - d);
        line_ += static_cast<std::uint64_t>(std::count(d + p, d + qi, '\n'));
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
        fail(line_, "text after the closing quote of a quoted field");
      any_doubled |= f.doubled_quotes;
    } else {
      while (p < n && !kSpecial[static_cast<unsigned char>(d[p])]) ++p;
      if (p < n && d[p] == '"')
        fail(line_, "quote inside an unquoted field (quote the whole field and double the quote)");
      f.end = p;
    }
    spans_.push_back(f);
    if (p >= n) {
      record_end = n;
      pos_ = n;
      break;
    }
    const char c = d[p];
    if (c == ',') {
      ++p;
      continue;
    }
    record_end = p;
    if (c == '\n') {
      pos_ = p + 1;
    } else if (p + 1 == n || d[p + 1] == '\n') {  // '\r'
      pos_ = p + 1 == n ? n : p + 2;
    } else {
      fail(line_, "carriage return without a line feed outside a quoted field");
    }
    ++line_;
    break;
  }

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
  return true;
}

ColumnMap::ColumnMap(const Record& header, std::span<const std::string_view> required, const std::string& file_name)
    : header_fields_(header.fields.size()) {
  const std::string where = file_name + ":" + std::to_string(header.line) + ": header: ";
  for (std::size_t i = 0; i < header.fields.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (header.fields[i] == header.fields[j])
        throw InputError(where + "column '" + std::string(header.fields[i]) + "' appears twice (fields " +
                         std::to_string(j + 1) + " and " + std::to_string(i + 1) + ")");
  for (const std::string_view name : required) {
    const auto it = std::find(header.fields.begin(), header.fields.end(), name);
    if (it == header.fields.end()) throw InputError(where + "required column '" + std::string(name) + "' is missing");
    index_.push_back(static_cast<std::size_t>(it - header.fields.begin()));
  }
}

}  // namespace finseg::csv
