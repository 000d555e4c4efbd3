// The bytes of one input file as a stream, read with bounded memory: a plain file from an offset
// (pread, so no read ever reaches far past the range a unit needs), a gzip file through zlib, a
// zstd file through libzstd. csv::UnitReader parses what these produce.
#pragma once

#include "csv/csv_source.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

namespace finseg::csv::detail {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `n` bytes of the file's (decompressed) content into `dst`; 0 only at its end. Throws
  // IoError when the file cannot be read, InputError when compressed data is corrupt or cut short.
  virtual std::size_t read(char* dst, std::size_t n) = 0;
  // Raw (compressed) bytes of the file consumed so far, counted from where the source started.
  virtual std::uint64_t raw_bytes_read() const noexcept = 0;
};

// A plain source starts at byte `offset`; it reads in blocks of the caller's size up to `end`,
// and in small blocks past it (only the last record of a unit reaches beyond `end`).
// A compressed source always starts at the file's start (offset and end are ignored).
std::unique_ptr<ByteSource> open_byte_source(const std::filesystem::path& file, Compression compression,
                                             std::uint64_t offset = 0, std::uint64_t end = 0);

// The bytes [offset, end) of a plain file (end clipped to the file's size), mapped read-only: the
// parser reads them where they are, with no read() copying them into a buffer first (the copy was
// ~2 % of an import's samples), and never writes them (RecordParser::keep_bytes_unchanged). The
// pages read are given back behind the reader (release_before), so what the mapping holds in
// memory stays bounded like a buffer's. Null when the file cannot be mapped (not a regular file,
// no address space): the caller reads it through a ByteSource instead. A file truncated while it
// is mapped ends the process (SIGBUS) where a read would have seen a short file: the input must
// not change during an import, as for any reader of it.
class MappedBytes {
 public:
  static std::unique_ptr<MappedBytes> open(const std::filesystem::path& file, std::uint64_t offset, std::uint64_t end);
  ~MappedBytes();
  MappedBytes(const MappedBytes&) = delete;
  MappedBytes& operator=(const MappedBytes&) = delete;
  char* data() const noexcept { return data_; }  // read-only pages: never written
  std::size_t size() const noexcept { return size_; }
  bool reaches_file_end() const noexcept { return reaches_end_; }
  // The pages wholly before data()[at] are not needed again: dropped from the process once more
  // than a few MiB of them accumulated.
  void release_before(std::size_t at) noexcept {
    if (static_cast<std::size_t>(data_ - base_) + at >= released_ + kReleaseStep) release(at);
  }

 private:
  static constexpr std::size_t kReleaseStep = std::size_t{8} << 20;  // as much as a read buffer held
  MappedBytes() = default;
  void release(std::size_t at) noexcept;
  char* base_ = nullptr;  // the mapping (page-aligned), or null when there is nothing to map
  std::size_t length_ = 0;
  char* data_ = nullptr;  // the byte at `offset`
  std::size_t size_ = 0;
  std::size_t released_ = 0;  // bytes of the mapping given back so far (from base_)
  bool reaches_end_ = true;
};

// An open file descriptor, closed by its destructor.
class FileDescriptor {
 public:
  explicit FileDescriptor(const std::filesystem::path& file);  // O_RDONLY; IoError when it fails
  ~FileDescriptor();
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const noexcept { return fd_; }
  // pread of up to n bytes at `offset` (EINTR retried); IoError naming the file when it fails.
  std::size_t pread_some(char* dst, std::size_t n, std::uint64_t offset, const std::filesystem::path& file) const;

 private:
  int fd_;
};

}  // namespace finseg::csv::detail
