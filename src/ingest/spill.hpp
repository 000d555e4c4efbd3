// Spill files of the parallel import: the records one rank hands to another (rows to their
// shard's owner, id keys to their duplicate check) go through files in the staging folder of the
// store being built, so what a rank holds is one buffer per open file, never the rows themselves.
// A record is a few integers and length-prefixed strings in the machine's byte order (the files
// live only for one import on one cluster, never longer).
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace finseg::ingest {

// Appends records to a file through a buffer of bounded size. The file is opened only to flush
// (append, then close), so a rank writing to thousands of shards never holds thousands of
// descriptors. Throws IoError when the file cannot be written.
class SpillWriter {
 public:
  SpillWriter(std::filesystem::path file, std::size_t buffer_bytes);
  SpillWriter(SpillWriter&&) noexcept = default;
  SpillWriter& operator=(SpillWriter&&) noexcept = default;

  template <class T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* p = reinterpret_cast<const char*>(&value);
    buf_.append(p, sizeof(T));
  }
  void put_text(std::string_view s) {
    put(static_cast<std::uint32_t>(s.size()));
    buf_.append(s.data(), s.size());
  }
  // Call after each record: flushes when the buffer is full.
  void end_record() {
    if (buf_.size() >= limit_) flush();
  }
  void flush();
  std::uint64_t bytes_written() const noexcept { return written_ + buf_.size(); }

 private:
  std::filesystem::path file_;
  std::string buf_;
  std::size_t limit_;
  std::uint64_t written_ = 0;
};

// Reads back what SpillWriters wrote: the views it returns point into its own bytes, the file
// mapped read-only (no copy through the kernel into zeroed memory: the read was ~5 % of an import).
class SpillReader {
 public:
  SpillReader() = default;
  // The whole file (an absent file reads as empty: no rank had a record for it).
  static SpillReader open(const std::filesystem::path& file);

  bool at_end() const noexcept { return pos_ >= size_; }
  template <class T>
  T get() {
    T value;
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }
  std::string_view get_text() {
    const auto n = get<std::uint32_t>();
    return {take(n), n};
  }
  std::size_t size_bytes() const noexcept { return size_; }
  std::size_t position() const noexcept { return pos_; }
  // Back to a record read before (its position()); the views read from it stay valid.
  void seek(std::size_t at) {
    if (at > size_) throw std::logic_error("spill file: seek past the end");
    pos_ = at;
  }

 private:
  const char* take(std::size_t n) {
    if (n > size_ - pos_) throw std::logic_error("spill file: record past the end");
    const char* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  std::shared_ptr<const char> mapping_;  // unmaps the file when the last copy goes
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t pos_ = 0;
};

}  // namespace finseg::ingest
