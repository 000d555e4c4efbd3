#include "results/results_writer.hpp"

#include "core/errors.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace finseg {

namespace {
constexpr std::size_t kWriteBuffer = 1024 * 1024;
// Every this many bytes the writer asks the kernel to start writing them to the disk: without it
// nothing reaches the disk before close()'s fsync, which then waits for the whole file (on this
// VM ~0.25 s per 220 MB, more than merging them costs in CPU); with it the disk writes while the
// merge goes on, and the fsync waits for the last few MiB only.
constexpr std::uint64_t kWritebackBytes = 8 << 20;
}

DocumentWriter::DocumentWriter(const std::filesystem::path& out) : out_(out), buffer_(new char[kWriteBuffer]) {
  f_ = std::fopen(out.c_str(), "wbx");
  if (!f_) throw IoError("cannot create " + out.string() + ": " + std::strerror(errno));
  std::setvbuf(f_, buffer_.get(), _IOFBF, kWriteBuffer);
}

DocumentWriter::DocumentWriter(const std::filesystem::path& out, std::uint64_t offset)
    : out_(out), buffer_(new char[kWriteBuffer]), position_(offset), unsent_(offset) {
  f_ = std::fopen(out.c_str(), "r+b");
  if (!f_) throw IoError("cannot open " + out.string() + ": " + std::strerror(errno));
  std::setvbuf(f_, buffer_.get(), _IOFBF, kWriteBuffer);
  if (::fseeko(f_, static_cast<off_t>(offset), SEEK_SET) != 0) {
    const std::string why = std::strerror(errno);
    std::fclose(std::exchange(f_, nullptr));
    throw IoError("cannot write " + out.string() + ": " + why);
  }
}

void create_sized_file(const std::filesystem::path& file, std::uint64_t bytes) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError("cannot create " + file.string() + ": " + std::strerror(errno));
  const bool sized = ::ftruncate(fd, static_cast<off_t>(bytes)) == 0;
  const int error = errno;
  if (::close(fd) != 0 || !sized) throw IoError("cannot write " + file.string() + ": " + std::strerror(sized ? errno : error));
}

DocumentWriter::~DocumentWriter() {
  if (f_) std::fclose(f_);  // only after an error: the caller discards the file
}

void DocumentWriter::write(std::string_view bytes) {
  if (!bytes.empty() && ::fwrite_unlocked(bytes.data(), 1, bytes.size(), f_) != bytes.size())
    throw IoError("cannot write " + out_.string() + ": " + std::strerror(errno));
  position_ += bytes.size();
  if (position_ - unsent_ >= kWritebackBytes) {
    if (std::fflush(f_) != 0) throw IoError("cannot write " + out_.string() + ": " + std::strerror(errno));
    // A hint: a failure here shows again in close()'s fsync, which is what makes the bytes durable.
    (void)::sync_file_range(::fileno(f_), static_cast<off_t>(unsent_), static_cast<off_t>(position_ - unsent_), SYNC_FILE_RANGE_WRITE);
    unsent_ = position_;
  }
}

void DocumentWriter::skip_to(std::uint64_t offset) {
  if (offset < position_) throw std::logic_error("DocumentWriter::skip_to: backwards");
  if (std::fflush(f_) != 0 || ::fseeko(f_, static_cast<off_t>(offset), SEEK_SET) != 0)
    throw IoError("cannot write " + out_.string() + ": " + std::strerror(errno));
  position_ = offset;
  unsent_ = offset;
}

void DocumentWriter::close(bool sync) {
  if (std::fflush(f_) != 0 || (sync && ::fsync(::fileno(f_)) != 0)) throw IoError("cannot write " + out_.string() + ": " + std::strerror(errno));
  std::FILE* f = f_;
  f_ = nullptr;
  if (std::fclose(f) != 0) throw IoError("cannot close " + out_.string() + ": " + std::strerror(errno));
}

namespace {

void pwrite_all(int fd, const char* data, std::size_t n, std::uint64_t offset, const std::filesystem::path& file) {
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, data, n, static_cast<off_t>(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw IoError("cannot write " + file.string() + ": " + std::strerror(errno));
    data += w;
    n -= static_cast<std::size_t>(w);
    offset += static_cast<std::uint64_t>(w);
  }
}

}  // namespace

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
