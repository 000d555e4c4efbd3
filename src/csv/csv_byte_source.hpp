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
