#include "ingest/spill.hpp"

#include "core/errors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

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

}  // namespace finseg::ingest
