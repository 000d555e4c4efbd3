#include "csv/csv_reader.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace finseg::csv {

namespace {

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
    : data_(std::move(content)), parser_(std::move(file_name)) {
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

bool Reader::next(Record& rec) {
  detail::Window w{data_.data(), data_.size(), true, pos_, line_};
  parser_.skip_empty_lines(w);  // the whole file is here: never short of bytes
  const bool got = w.pos < w.size && parser_.parse_record(w, rec) == detail::Parse::record;
  pos_ = w.pos;
  line_ = w.line;
  return got;
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
