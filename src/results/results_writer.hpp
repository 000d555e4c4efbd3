// A document written through one large buffer, created exclusively (never over an existing file)
// and fsynced on close: how result, partial-merge and changes documents reach the disk.
//
// By default every byte goes through the page cache, with writeback started every 8 MiB. With
// FINSEG_DOCUMENT_IO=direct, once it has filled its first buffer, its full 4 KiB blocks go to the
// disk with O_DIRECT (by a thread of the writer while the next buffer fills), its unaligned edges
// and any file of one buffer or less through the page cache: on this VM a
// fresh page-cache page costs up to ~8 us to touch (the host hands the guest's freed memory back
// on first touch), so copying 220 MB of documents into the page cache took 0.01-0.5 s of system
// CPU depending on the host's state, and O_DIRECT takes none of it; but on the idle machine the
// merge at np=2 was slower with it (one write in flight per writer), so it is not the default
// (docs/performance.md 2.4.2). Where O_DIRECT is refused (tmpfs before Linux 6.6; since, tmpfs
// takes it and copies into its memory as ever), the page cache takes every byte.
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
  // Not a power of two, on purpose: pwrites of exactly 1 MiB at 1 MiB-aligned offsets make the
  // page cache allocate 1 MiB folios, and on this VM those come from memory the host has taken
  // back (free page reporting) and must back again: 220 MB took 0.34-0.39 s of system CPU in
  // 1 MiB writes, 0.05 s in writes of 1 MiB - 4 KiB, each after 4 s idle (docs/performance.md
  // 2.4.2). stdio's writes (before) were off the 1 MiB grid by its flushes for writeback.
  static constexpr std::size_t kBufferBytes = (1024 - 4) * 1024;
  static constexpr std::size_t kAlign = 4096;  // of O_DIRECT's offsets, sizes and memory
  struct FreeAligned {
    void operator()(char* p) const noexcept;
  };
  using Buffer = std::unique_ptr<char[], FreeAligned>;
  class DirectSink;

  void write_through(std::string_view bytes);
  void flush(bool last);  // the buffer to the file; unless `last`, an unaligned tail stays in it
  void restart_at(std::uint64_t offset);  // an empty buffer whose first byte goes at `offset`

  std::filesystem::path out_;
  Buffer buffer_, spare_;  // spare_: what the direct writes are sending while buffer_ fills
  // buffer_[0] is the file's byte base_ (aligned down); the bytes to write start at first_.
  std::uint64_t base_ = 0, first_ = 0;
  std::size_t used_ = 0;  // buffer_'s bytes up to position_
  int fd_ = -1;
  std::uint64_t position_ = 0;
  std::uint64_t unsent_ = 0;  // where the bytes not yet handed to the disk start (buffered writes)
  std::unique_ptr<DirectSink> direct_;  // O_DIRECT writes of the full aligned blocks; null: buffered
  bool direct_tried_ = false;
};

// Creates `file` (never over an existing one) with `bytes` bytes (zeros) for other writers to fill
// (DocumentWriter at an offset), its blocks allocated where the file system can (fallocate), so
// that no writer's writeback allocates them page by page. Throws IoError (ENOSPC here, not later).
void create_sized_file(const std::filesystem::path& file, std::uint64_t bytes);

// Writes `separator` and then the whole of `part` into the existing file `document` at `offset`
// (pwrite: several processes fill their own byte ranges of one file), and fsyncs. Throws IoError.
void write_part_at(const std::filesystem::path& document, std::uint64_t offset, std::string_view separator,
                   const std::filesystem::path& part);

}  // namespace finseg
