// Spill files of the parallel import: the records one rank hands to another (rows to their
// shard's owner, id keys to their duplicate check) go through files in the staging folder of the
// store being built, so what a rank holds is one buffer per open file, never the rows themselves.
// A record is a few integers (fixed-size in the machine's byte order, or LEB128) and strings
// prefixed with their LEB128 length (the files live only for one import on one cluster, never longer).
#pragma once

#include "core/short_copy.hpp"

#include <bit>
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
    std::memcpy(room(sizeof(T)), &value, sizeof(T));
    used_ += sizeof(T);
  }
  // LEB128: the lengths, file numbers and line numbers of a row are mostly one to three bytes,
  // not four or eight (the spill files were ~1.65 x the CSV).
  void put_varint(std::uint64_t v) {
    char* const start = room(10);
    char* p = start;
    for (; v >= 0x80; v >>= 7) *p++ = static_cast<char>((v & 0x7f) | 0x80);
    *p++ = static_cast<char>(v);
    used_ += static_cast<std::size_t>(p - start);
  }
  void put_text(std::string_view s) {
    put_varint(s.size());
    if (!s.empty()) std::memcpy(room(s.size()), s.data(), s.size());
    used_ += s.size();
  }
  // Call after each record: flushes when the buffer is full.
  void end_record() {
    if (used_ >= limit_) flush();
  }

  // A record written through a local cursor: one capacity check for the whole record, and the
  // position kept in a register (a store through char* may alias any member, so put_varint and
  // put_text reloaded buf_ and used_ after every byte: ~300 instructions per transaction row).
  class Cursor {
   public:
    template <class T>
    void put(const T& value) {
      static_assert(std::is_trivially_copyable_v<T>);
      std::memcpy(p_, &value, sizeof(T));
      p_ += sizeof(T);
    }
    void put_varint(std::uint64_t v) {
      for (; v >= 0x80; v >>= 7) *p_++ = static_cast<char>((v & 0x7f) | 0x80);
      *p_++ = static_cast<char>(v);
    }
    void put_text(std::string_view s) {
      put_varint(s.size());
      copy_text(p_, s.data(), s.size());
      p_ += s.size();
    }
    // Bytes with no length in front (the last of a record whose size says where they end).
    void put_bytes(std::string_view s) {
      copy_text(p_, s.data(), s.size());
      p_ += s.size();
    }
    // The low `n` (<= 8) bytes of v, little-endian, by one 8-byte store: the record's room must
    // count all 8 (SpillReader::low_bytes_at reads them back).
    void put_low_bytes(std::uint64_t v, unsigned n) {
      static_assert(std::endian::native == std::endian::little);
      std::memcpy(p_, &v, sizeof v);
      p_ += n;
    }

   private:
    friend class SpillWriter;
    // The texts of a row are mostly 3-32 bytes: copy_short's two overlapping fixed-size copies,
    // not a call to memcpy for each of a row's eight texts (~20 % of what a row's spilling cost).
    static void copy_text(char* dst, const char* src, std::size_t n) noexcept { copy_short(dst, src, n); }
    explicit Cursor(char* p) noexcept : p_(p) {}
    char* p_;
  };
  static constexpr std::size_t kMaxVarintBytes = 10;
  // The bytes put_varint(v) writes.
  static constexpr std::size_t varint_bytes(std::uint64_t v) noexcept {
    std::size_t n = 1;
    for (; v >= 0x80; v >>= 7) ++n;
    return n;
  }
  // Room for a record of at most `max_bytes` (count kMaxVarintBytes per varint, and per text
  // besides its bytes); the same bytes as put_varint / put_text / put would write.
  Cursor begin_record(std::size_t max_bytes) { return Cursor(room(max_bytes)); }
  void end_record(const Cursor& c) {
    used_ = static_cast<std::size_t>(c.p_ - buf_.get());
    end_record();
  }
  void flush();
  std::uint64_t bytes_written() const noexcept { return written_ + used_; }

 private:
  // Room for n more bytes at the buffer's end (a raw buffer, not a std::string: its append was a
  // call and a copy per field, ~470 instructions per row written).
  char* room(std::size_t n) {
    if (n > capacity_ - used_) grow(n);
    return buf_.get() + used_;
  }
  void grow(std::size_t n);

  std::filesystem::path file_;
  std::unique_ptr<char[]> buf_;  // not zeroed: its pages are touched only as records fill them
  std::size_t capacity_ = 0, used_ = 0;
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
  // Records already in memory (a window of a file the caller read): the caller keeps the bytes
  // alive while the reader and the views read from it are used.
  static SpillReader view(const char* data, std::size_t size) noexcept;

  bool at_end() const noexcept { return pos_ >= size_; }
  template <class T>
  T get() {
    T value;
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }
  std::uint64_t get_varint() {
    if (pos_ < size_ && static_cast<std::uint8_t>(data_[pos_]) < 0x80) return static_cast<std::uint8_t>(data_[pos_++]);
    if (size_ - pos_ >= 10) return get_long_varint();
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const auto b = static_cast<std::uint8_t>(*take(1));
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    throw std::logic_error("spill file: a number of more than 64 bits");
  }
  std::string_view get_text() {
    const auto n = static_cast<std::size_t>(get_varint());
    return {take(n), n};
  }
  void skip_text() { take(static_cast<std::size_t>(get_varint())); }
  std::string_view get_bytes(std::size_t n) { return {take(n), n}; }
  std::size_t size_bytes() const noexcept { return size_; }
  std::size_t position() const noexcept { return pos_; }
  // A decoder that first checks that the longest form of a record's fixed part fits in
  // remaining() reads it through a raw cursor (no bounds check per field: ~120 instructions per
  // transaction row) and moves past it with advance_to().
  std::size_t remaining() const noexcept { return size_ - pos_; }
  const char* cursor() const noexcept { return data_ + pos_; }
  const char* data() const noexcept { return data_; }
  void advance_to(const char* p) noexcept { pos_ = static_cast<std::size_t>(p - data_); }
  // A varint at `p`, which has at least kMaxVarintBytes (10) bytes left.
  static std::uint64_t varint_at(const char*& p) {
    const auto* b = reinterpret_cast<const std::uint8_t*>(p);
    std::uint64_t v = 0;
    for (int i = 0; i < 10; ++i) {
      v |= static_cast<std::uint64_t>(b[i] & 0x7f) << (7 * i);
      if (b[i] < 0x80) {
        p += i + 1;
        return v;
      }
    }
    throw std::logic_error("spill file: a number of more than 64 bits");
  }
  // What put_low_bytes(v, n) wrote at `p`, which has at least 8 bytes left (one 8-byte load).
  static std::uint64_t low_bytes_at(const char*& p, unsigned n) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    p += n;
    return n == 0 ? 0 : v & (~std::uint64_t{0} >> (64 - 8 * n));
  }
  // The same, bounds-checked, for a record near the file's end.
  std::uint64_t get_low_bytes(unsigned n) {
    std::uint64_t v = 0;
    std::memcpy(&v, take(n), n);
    return v;
  }
  // Back to a record read before (its position()); the views read from it stay valid.
  void seek(std::size_t at) {
    if (at > size_) throw std::logic_error("spill file: seek past the end");
    pos_ = at;
  }

 private:
  // A varint of more than one byte (line numbers, amounts) with at least the longest one's 10
  // bytes left: no bounds check per byte, as take(1) made.
  std::uint64_t get_long_varint() {
    const auto* p = reinterpret_cast<const std::uint8_t*>(data_ + pos_);
    std::uint64_t v = 0;
    for (int i = 0; i < 10; ++i) {
      v |= static_cast<std::uint64_t>(p[i] & 0x7f) << (7 * i);
      if (p[i] < 0x80) {
        pos_ += static_cast<std::size_t>(i) + 1;
        return v;
      }
    }
    throw std::logic_error("spill file: a number of more than 64 bits");
  }
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
