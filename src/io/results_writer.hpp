// A document written through one large buffer, created exclusively (never over an existing file)
// and fsynced on close: how result, partial-merge and changes documents reach the disk.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string_view>

namespace finseg {

class DocumentWriter {
 public:
  explicit DocumentWriter(const std::filesystem::path& out);  // throws IoError
  ~DocumentWriter();
  DocumentWriter(const DocumentWriter&) = delete;
  DocumentWriter& operator=(const DocumentWriter&) = delete;

  void write(std::string_view bytes);
  // Appends the whole of `file` (streamed through a fixed buffer); returns its size.
  std::uint64_t append_file(const std::filesystem::path& file);
  void close(bool fsync = true);  // flush (+ fsync) + close; throws IoError

 private:
  std::filesystem::path out_;
  std::unique_ptr<char[]> buffer_;  // outlives f_
  std::FILE* f_ = nullptr;
};

}  // namespace finseg
