#include "ingest/spill.hpp"

#include "core/errors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace finseg::ingest {

SpillWriter::SpillWriter(std::filesystem::path file, std::size_t buffer_bytes)
    : file_(std::move(file)), buf_(new char[buffer_bytes + 4096]), capacity_(buffer_bytes + 4096), limit_(buffer_bytes) {}

void SpillWriter::grow(std::size_t n) {  // a record longer than the slack after limit_
  const std::size_t capacity = std::max(2 * capacity_, used_ + n);
  std::unique_ptr<char[]> bigger(new char[capacity]);
  if (used_ > 0) std::memcpy(bigger.get(), buf_.get(), used_);
  buf_ = std::move(bigger);
  capacity_ = capacity;
}

void SpillWriter::flush() {
  if (used_ == 0) return;
  std::FILE* f = std::fopen(file_.c_str(), "ab");
  if (!f) throw IoError("cannot write " + file_.string() + ": " + std::strerror(errno));
  const bool ok = std::fwrite(buf_.get(), 1, used_, f) == used_;
  const int err = errno;
  if (std::fclose(f) != 0 || !ok) throw IoError("cannot write " + file_.string() + ": " + std::strerror(ok ? errno : err));
  written_ += used_;
  used_ = 0;
}

SpillReader SpillReader::open(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  SpillReader r;
  if (ec || size == 0) return r;
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError("cannot read " + file.string() + ": " + std::strerror(errno));
  void* addr = ::mmap(nullptr, static_cast<std::size_t>(size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  const int err = errno;
  ::close(fd);
  if (addr == MAP_FAILED) throw IoError("cannot read " + file.string() + ": " + std::strerror(err));
  const auto bytes = static_cast<std::size_t>(size);
  r.mapping_ = std::shared_ptr<const char>(static_cast<const char*>(addr), [bytes](const char* p) {
    ::munmap(const_cast<char*>(p), bytes);
  });
  r.data_ = r.mapping_.get();
  r.size_ = bytes;
  return r;
}

SpillReader SpillReader::view(const char* data, std::size_t size) noexcept {
  SpillReader r;
  r.data_ = data;
  r.size_ = size;
  return r;
}

}  // namespace finseg::ingest
