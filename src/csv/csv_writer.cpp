#include "csv/csv_writer.hpp"

#include "core/errors.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace finseg::csv {

bool needs_quotes(std::string_view field) noexcept {
  for (const char c : field)
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  return false;
}

void append_field(std::string& out, std::string_view field) {
  if (!needs_quotes(field)) {
    out.append(field);
    return;
  }
  out += '"';
  for (std::size_t start = 0;;) {
    const std::size_t q = field.find('"', start);
    if (q == std::string_view::npos) {
      out.append(field.substr(start));
      break;
    }
    out.append(field.substr(start, q + 1 - start));
    out += '"';
    start = q + 1;
  }
  out += '"';
}

FileWriter::FileWriter(std::filesystem::path file) : path_(std::move(file)) {
  file_ = std::fopen(path_.c_str(), "wb");
  if (!file_) throw IoError("cannot create " + path_.string() + ": " + std::strerror(errno));
  buf_.reserve(kFlushAt + (std::size_t{1} << 16));
}

FileWriter::~FileWriter() {
  if (file_) std::fclose(file_);
}

void FileWriter::flush() {
  if (buf_.empty()) return;
  if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size())
    throw IoError("cannot write " + path_.string() + ": " + std::strerror(errno));
  buf_.clear();
}

void FileWriter::close() {
  if (!file_) return;
  flush();
  const bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  const int err = errno;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok || !closed) throw IoError("cannot write " + path_.string() + ": " + std::strerror(err));
}

}  // namespace finseg::csv
