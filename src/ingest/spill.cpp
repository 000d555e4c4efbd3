#include "ingest/spill.hpp"

#include "core/errors.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace finseg::ingest {

SpillWriter::SpillWriter(std::filesystem::path file, std::size_t buffer_bytes)
    : file_(std::move(file)), limit_(buffer_bytes) {
  buf_.reserve(buffer_bytes + 4096);
}

void SpillWriter::flush() {
  if (buf_.empty()) return;
  std::FILE* f = std::fopen(file_.c_str(), "ab");
  if (!f) throw IoError("cannot write " + file_.string() + ": " + std::strerror(errno));
  const bool ok = std::fwrite(buf_.data(), 1, buf_.size(), f) == buf_.size();
  const int err = errno;
  if (std::fclose(f) != 0 || !ok) throw IoError("cannot write " + file_.string() + ": " + std::strerror(ok ? errno : err));
  written_ += buf_.size();
  buf_.clear();
}

SpillReader SpillReader::open(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return SpillReader();
  std::vector<char> bytes(static_cast<std::size_t>(size));
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) throw IoError("cannot read " + file.string() + ": " + std::strerror(errno));
  const bool ok = std::fread(bytes.data(), 1, bytes.size(), f) == bytes.size();
  std::fclose(f);
  if (!ok) throw IoError("cannot read " + file.string() + ": short read");
  return SpillReader(std::move(bytes));
}

const char* SpillReader::take(std::size_t n) {
  if (n > bytes_.size() - pos_) throw std::logic_error("spill file: record past the end");
  const char* p = bytes_.data() + pos_;
  pos_ += n;
  return p;
}

}  // namespace finseg::ingest
