#include "results/results_writer.hpp"

#include "core/errors.hpp"
#include "io/io_times.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace finseg {

namespace {
constexpr std::size_t kWriteBuffer = 1024 * 1024;  // write_part_at's copy
// Every this many bytes the writer asks the kernel to start writing them to the disk: without it
// nothing reaches the disk before close()'s fsync, which then waits for the whole file (on this
// VM ~0.25 s per 220 MB, more than merging them costs in CPU); with it the disk writes while the
// merge goes on, and the fsync waits for the last few MiB only.
constexpr std::uint64_t kWritebackBytes = 8 << 20;

[[noreturn]] void fail(const char* what, const std::filesystem::path& file, int error) {
  throw IoError(std::string(what) + " " + file.string() + ": " + std::strerror(error));
}

// pwrite of all `n` bytes at `offset`, timed into the thread's IoTimes.
void pwrite_all(int fd, const char* data, std::size_t n, std::uint64_t offset, const std::filesystem::path& file) {
  IoTimes& times = thread_io_times();
  const auto t0 = std::chrono::steady_clock::now();
  times.written_bytes += n;
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, data, n, static_cast<off_t>(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) fail("cannot write", file, w < 0 ? errno : EIO);
    data += w;
    n -= static_cast<std::size_t>(w);
    offset += static_cast<std::uint64_t>(w);
  }
  times.write += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

// The writer's own buffer and pwrite at its offset, not stdio: the calls into the kernel are the
// merge's and are timed (IoTimes); a slice written by several processes needs no seek.
DocumentWriter::DocumentWriter(const std::filesystem::path& out) : out_(out), buffer_(new char[kBufferBytes]) {
  fd_ = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd_ < 0) fail("cannot create", out, errno);
}

DocumentWriter::DocumentWriter(const std::filesystem::path& out, std::uint64_t offset)
    : out_(out), buffer_(new char[kBufferBytes]), position_(offset), unsent_(offset) {
  fd_ = ::open(out.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) fail("cannot open", out, errno);
}

void create_sized_file(const std::filesystem::path& file, std::uint64_t bytes) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError("cannot create " + file.string() + ": " + std::strerror(errno));
  const bool sized = ::ftruncate(fd, static_cast<off_t>(bytes)) == 0;
  const int error = errno;
  if (::close(fd) != 0 || !sized) throw IoError("cannot write " + file.string() + ": " + std::strerror(sized ? errno : error));
}

DocumentWriter::~DocumentWriter() {
  if (fd_ >= 0) ::close(fd_);  // only after an error: the caller discards the file
}

void DocumentWriter::write_through(std::string_view bytes) {
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), kBufferBytes - used_);
    std::memcpy(buffer_.get() + used_, bytes.data(), n);
    used_ += n;
    position_ += n;
    bytes.remove_prefix(n);
    if (used_ == kBufferBytes) flush();
  }
}

void DocumentWriter::flush() {
  if (used_ > 0) pwrite_all(fd_, buffer_.get(), used_, position_ - used_, out_);
  used_ = 0;
  if (position_ - unsent_ >= kWritebackBytes) {
    IoTimes& times = thread_io_times();
    const auto t0 = std::chrono::steady_clock::now();
    // A hint: a failure here shows again in close()'s fsync, which is what makes the bytes durable.
    (void)::sync_file_range(fd_, static_cast<off_t>(unsent_), static_cast<off_t>(position_ - unsent_), SYNC_FILE_RANGE_WRITE);
    times.writeback += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    unsent_ = position_;
  }
}

void DocumentWriter::skip_to(std::uint64_t offset) {
  if (offset < position_) throw std::logic_error("DocumentWriter::skip_to: backwards");
  if (used_ > 0) pwrite_all(fd_, buffer_.get(), used_, position_ - used_, out_);
  used_ = 0;
  position_ = offset;
  unsent_ = offset;
}

void DocumentWriter::close(bool sync) {
  if (used_ > 0) pwrite_all(fd_, buffer_.get(), used_, position_ - used_, out_);
  used_ = 0;
  if (sync && ::fsync(fd_) != 0) fail("cannot write", out_, errno);
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) fail("cannot close", out_, errno);
}


void write_part_at(const std::filesystem::path& document, std::uint64_t offset, std::string_view separator,
                   const std::filesystem::path& part) {
  const int out = ::open(document.c_str(), O_WRONLY | O_CLOEXEC);
  if (out < 0) throw IoError("cannot open " + document.string() + ": " + std::strerror(errno));
  std::FILE* in = std::fopen(part.c_str(), "rb");
  try {
    if (!in) throw IoError("cannot read " + part.string() + ": " + std::strerror(errno));
    pwrite_all(out, separator.data(), separator.size(), offset, document);
    offset += separator.size();
    std::unique_ptr<char[]> chunk(new char[kWriteBuffer]);
    for (std::size_t n; (n = std::fread(chunk.get(), 1, kWriteBuffer, in)) > 0; offset += n) pwrite_all(out, chunk.get(), n, offset, document);
    if (std::ferror(in)) throw IoError("cannot read " + part.string());
    if (::fsync(out) != 0) throw IoError("cannot write " + document.string() + ": " + std::strerror(errno));
  } catch (...) {
    if (in) std::fclose(in);
    ::close(out);
    throw;
  }
  std::fclose(in);
  if (::close(out) != 0) throw IoError("cannot close " + document.string() + ": " + std::strerror(errno));
}

}  // namespace finseg
