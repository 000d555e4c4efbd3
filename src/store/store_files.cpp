#include "store/store_files.hpp"

#include "core/errors.hpp"
#include "io/crc32.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

namespace finseg {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

// Owns a POSIX file descriptor.
class Fd {
 public:
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string crc32_text(std::uint32_t crc) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "crc32:%08x", static_cast<unsigned>(crc));
  return buf;
}

std::uint32_t crc32_of(std::string_view bytes) noexcept { return crc32_update(0, bytes.data(), bytes.size()); }

std::uint32_t crc32_of_file(const std::filesystem::path& file) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw IoError(file.string() + ": cannot open: " + errno_text(errno));
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  std::vector<unsigned char> buf(std::size_t{1} << 20);
  std::uint32_t crc = 0;
  while (true) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(file.string() + ": cannot read: " + errno_text(errno));
    }
    if (n == 0) break;
    crc = crc32_update(crc, buf.data(), static_cast<std::size_t>(n));
  }
  return crc;
}

std::string shard_file_name_problem(std::string_view name) {
  if (name.empty()) return "empty file name";
  if (name == "." || name == "..") return "'" + std::string(name) + "' is not a file name";
  if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos)
    return "'" + std::string(name) + "' is not a plain file name in the store folder";
  if (name.find('\0') != std::string_view::npos) return "file name contains a NUL byte";
  return "";
}

void verify_shard_file(const std::filesystem::path& file, const ShardInfo& shard, bool whole_file_checksum) {
  const std::string name = "shard " + file.string();
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (!std::filesystem::exists(status)) throw StoreError(name + ": missing");
  if (!std::filesystem::is_regular_file(status)) throw StoreError(name + ": not a regular file");
  const std::uintmax_t size = std::filesystem::file_size(file, ec);
  if (ec) throw StoreError(name + ": cannot read its size: " + ec.message());
  if (size < shard.bytes)
    throw StoreError(name + ": truncated (" + std::to_string(size) + " of " + std::to_string(shard.bytes) + " bytes)");
  if (size > shard.bytes)
    throw StoreError(name + ": " + std::to_string(size) + " bytes, the manifest records " + std::to_string(shard.bytes));
  if (!whole_file_checksum) return;
  std::uint32_t crc = 0;
  try {
    crc = crc32_of_file(file);
  } catch (const IoError& e) {
    throw StoreError(name + ": " + e.what());
  }
  if (crc32_text(crc) != shard.checksum)
    throw StoreError(name + ": checksum mismatch (file " + crc32_text(crc) + ", manifest " + shard.checksum +
                     "): the file is corrupt");
}

}  // namespace finseg
