// A document written through one large buffer, created exclusively (never over an existing file)
// and fsynced on close: how result, partial-merge and changes documents reach the disk.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>

namespace finseg {

class DocumentWriter {
 public:
  explicit DocumentWriter(const std::filesystem::path& out);  // throws IoError
  // Writes into the existing file `out` from `offset` on: one process's byte range of a document
  // that several processes write (create_sized_file). Throws IoError.
  DocumentWriter(const std::filesystem::path& out, std::uint64_t offset);
  ~DocumentWriter();
  DocumentWriter(const DocumentWriter&) = delete;
  DocumentWriter& operator=(const DocumentWriter&) = delete;

  void write(std::string_view bytes) {
    if (bytes.size() <= kBufferBytes - used_) {  // the usual case: a user's line into the buffer
      std::memcpy(buffer_.get() + used_, bytes.data(), bytes.size());
      used_ += bytes.size();
      position_ += bytes.size();
    } else {
      write_through(bytes);
    }
  }
  std::uint64_t bytes() const noexcept { return position_; }  // where the next write goes
  // Moves on to `offset` (>= bytes()), leaving a hole that other processes fill.
  void skip_to(std::uint64_t offset);
  void close(bool fsync = true);  // flush (+ fsync) + close; throws IoError

 private:
  static constexpr std::size_t kBufferBytes = 1024 * 1024;
  void write_through(std::string_view bytes);
  void flush();  // the buffer to the file at its offset (pwrite), and writeback as due

  std::filesystem::path out_;
  std::unique_ptr<char[]> buffer_;
  std::size_t used_ = 0;  // bytes in the buffer: they go at position_ - used_
  int fd_ = -1;
  std::uint64_t position_ = 0;
  std::uint64_t unsent_ = 0;  // where the bytes not yet handed to the disk start
};

// Creates `file` (never over an existing one) with `bytes` bytes (zeros) for other writers to fill
// (DocumentWriter at an offset). Throws IoError.
void create_sized_file(const std::filesystem::path& file, std::uint64_t bytes);

// Writes `separator` and then the whole of `part` into the existing file `document` at `offset`
// (pwrite: several processes fill their own byte ranges of one file), and fsyncs. Throws IoError.
void write_part_at(const std::filesystem::path& document, std::uint64_t offset, std::string_view separator,
                   const std::filesystem::path& part);

}  // namespace finseg
