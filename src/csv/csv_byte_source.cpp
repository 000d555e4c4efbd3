#include "csv/csv_byte_source.hpp"

#include "core/errors.hpp"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace finseg::csv::detail {

FileDescriptor::FileDescriptor(const std::filesystem::path& file) : fd_(::open(file.c_str(), O_RDONLY | O_CLOEXEC)) {
  if (fd_ < 0) throw IoError("cannot read " + file.string() + ": " + std::strerror(errno));
}

FileDescriptor::~FileDescriptor() { ::close(fd_); }

std::size_t FileDescriptor::pread_some(char* dst, std::size_t n, std::uint64_t offset,
                                       const std::filesystem::path& file) const {
  for (;;) {
    const ssize_t got = ::pread(fd_, dst, n, static_cast<off_t>(offset));
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EINTR) throw IoError("cannot read " + file.string() + ": " + std::strerror(errno));
  }
}

namespace {
// FINSEG_CSV_READ=pread: read every plain file with pread, never map it (docs/import.md). For input
// that may change while it is imported: a file truncated under a mapping ends the rank with SIGBUS,
// while pread sees a short file and the import fails with a message.
bool mapping_allowed() {
  static const bool allowed = [] {
    const char* how = std::getenv("FINSEG_CSV_READ");
    return how == nullptr || std::strcmp(how, "pread") != 0;
  }();
  return allowed;
}
}  // namespace

std::unique_ptr<MappedBytes> MappedBytes::open(const std::filesystem::path& file, std::uint64_t offset,
                                               std::uint64_t end) {
  if (!mapping_allowed()) return nullptr;
  const FileDescriptor fd(file);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  std::unique_ptr<MappedBytes> m(new MappedBytes());
  end = std::min(end, file_size);
  m->reaches_end_ = end == file_size;
  if (offset >= end) return m;  // nothing to read: an empty range
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const std::uint64_t start = offset / page * page;
  if (end - start > std::numeric_limits<std::size_t>::max()) return nullptr;
  m->length_ = static_cast<std::size_t>(end - start);
  void* p = ::mmap(nullptr, m->length_, PROT_READ, MAP_PRIVATE, fd.get(), static_cast<off_t>(start));
  if (p == MAP_FAILED) return nullptr;
  ::madvise(p, m->length_, MADV_SEQUENTIAL);  // read ahead of the parser; a hint, whatever it answers
  m->base_ = static_cast<char*>(p);
  m->data_ = m->base_ + (offset - start);
  m->size_ = static_cast<std::size_t>(end - offset);
  return m;
}

MappedBytes::~MappedBytes() {
  if (base_) ::munmap(base_, length_);
}

void MappedBytes::release(std::size_t at) noexcept {
  if (!base_) return;
  const std::size_t upto = static_cast<std::size_t>(data_ - base_) + std::min(at, size_);
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t to = upto / page * page;
  // The pages leave the process (they stay in the page cache); touched again, they would be read again.
  ::madvise(base_ + released_, to - released_, MADV_DONTNEED);
  released_ = to;
}

namespace {

// Past a unit's end only its last record is still needed: read small blocks there.
constexpr std::size_t kTailBlock = std::size_t{64} << 10;
// Compressed input is read in blocks of this size (the decoders keep their own window besides).
constexpr std::size_t kCompressedBlock = std::size_t{256} << 10;

class PlainSource final : public ByteSource {
 public:
  PlainSource(const std::filesystem::path& file, std::uint64_t offset, std::uint64_t end)
      : file_(file), fd_(file), start_(offset), offset_(offset), end_(end) {}

  std::size_t read(char* dst, std::size_t n) override {
    const std::uint64_t before_end = offset_ < end_ ? end_ - offset_ : 0;
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, std::max<std::uint64_t>(before_end, kTailBlock)));
    const std::size_t got = fd_.pread_some(dst, want, offset_, file_);
    offset_ += got;
    return got;
  }
  std::uint64_t raw_bytes_read() const noexcept override { return offset_ - start_; }

 private:
  std::filesystem::path file_;
  FileDescriptor fd_;
  std::uint64_t start_, offset_, end_;
};

// The compressed bytes of a file, block by block, for a decoder.
class CompressedInput {
 public:
  explicit CompressedInput(const std::filesystem::path& file) : file_(file), fd_(file), block_(kCompressedBlock) {}
  // Refills the block when the decoder used it all; false at the end of the file.
  bool refill(const unsigned char*& next, std::size_t& avail) {
    const std::size_t got = fd_.pread_some(block_.data(), block_.size(), offset_, file_);
    offset_ += got;
    next = reinterpret_cast<const unsigned char*>(block_.data());
    avail = got;
    return got > 0;
  }
  std::uint64_t offset() const noexcept { return offset_; }
  const std::filesystem::path& file() const noexcept { return file_; }
  [[noreturn]] void corrupt(const char* format, const std::string& why) const {
    throw InputError(file_.filename().string() + ": not a valid " + format + " file (" + why + ", near compressed byte " +
                     std::to_string(offset_) + ")");
  }

 private:
  std::filesystem::path file_;
  FileDescriptor fd_;
  std::vector<char> block_;
  std::uint64_t offset_ = 0;
};

// gzip through zlib's inflate; several gzip members one after another (what `cat a.gz b.gz` and
// pigz make) are one stream, as gzip -d reads them.
class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(const std::filesystem::path& file) : in_(file) {
    if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
  }
  ~GzipSource() override { inflateEnd(&z_); }

  std::size_t read(char* dst, std::size_t n) override {
    z_.next_out = reinterpret_cast<Bytef*>(dst);
    z_.avail_out = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    const uInt asked = z_.avail_out;
    while (z_.avail_out > 0 && !finished_) {
      if (z_.avail_in == 0 && !flushing_ && !refill()) {
        if (in_member_) in_.corrupt("gzip", "the data ends inside a gzip member: truncated");
        if (in_.offset() == 0) in_.corrupt("gzip", "the file is empty");  // as gzip -d says
        finished_ = true;
        break;
      }
      if (!in_member_) {  // the next member starts here
        if (inflateReset(&z_) != Z_OK) in_.corrupt("gzip", "inflateReset failed");
        in_member_ = true;
      }
      const int rc = inflate(&z_, Z_NO_FLUSH);
      // A full output may leave output pending in zlib: the next call gets it without new input.
      flushing_ = z_.avail_out == 0;
      if (rc == Z_STREAM_END) {  // a member ends: nothing of it is pending
        in_member_ = false;
        flushing_ = false;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        in_.corrupt("gzip", z_.msg ? z_.msg : "zlib error " + std::to_string(rc));
      }
    }
    return asked - z_.avail_out;
  }
  std::uint64_t raw_bytes_read() const noexcept override { return in_.offset() - z_.avail_in; }

 private:
  bool refill() {
    const unsigned char* next = nullptr;
    std::size_t avail = 0;
    const bool more = in_.refill(next, avail);
    z_.next_in = const_cast<Bytef*>(next);
    z_.avail_in = static_cast<uInt>(avail);
    return more;
  }

  CompressedInput in_;
  z_stream z_{};
  bool in_member_ = false, flushing_ = false, finished_ = false;
};

// zstd through libzstd's streaming decoder (several frames one after another are one stream).
class ZstdSource final : public ByteSource {
 public:
  explicit ZstdSource(const std::filesystem::path& file) : in_(file), dctx_(ZSTD_createDCtx()) {
    if (!dctx_) throw std::bad_alloc();
  }
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }

  std::size_t read(char* dst, std::size_t n) override {
    ZSTD_outBuffer out{dst, n, 0};
    while (out.pos < out.size && !finished_) {
      if (input_.pos == input_.size && !flushing_) {
        const unsigned char* next = nullptr;
        std::size_t avail = 0;
        if (!in_.refill(next, avail)) {
          if (in_frame_) in_.corrupt("zstd", "the data ends inside a zstd frame: truncated");
          if (in_.offset() == 0) in_.corrupt("zstd", "the file is empty");  // as zstd -d says
          finished_ = true;
          break;
        }
        input_ = ZSTD_inBuffer{next, avail, 0};
      }
      const std::size_t rc = ZSTD_decompressStream(dctx_, &out, &input_);
      if (ZSTD_isError(rc)) in_.corrupt("zstd", ZSTD_getErrorName(rc));
      in_frame_ = rc != 0;  // 0: a frame is complete and flushed
      // A full output may leave decoded bytes in the decoder: the next call gets them without input.
      flushing_ = out.pos == out.size;
    }
    return out.pos;
  }
  std::uint64_t raw_bytes_read() const noexcept override { return in_.offset() - (input_.size - input_.pos); }

 private:
  CompressedInput in_;
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  bool in_frame_ = false, flushing_ = false, finished_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> open_byte_source(const std::filesystem::path& file, Compression compression,
                                             std::uint64_t offset, std::uint64_t end) {
  switch (compression) {
    case Compression::gzip:
      return std::make_unique<GzipSource>(file);
    case Compression::zstd:
      return std::make_unique<ZstdSource>(file);
    case Compression::none:
      break;
  }
  return std::make_unique<PlainSource>(file, offset, end);
}

}  // namespace finseg::csv::detail
