// RFC 4180 output: a field is quoted only when it must be (it holds a comma, a quote, CR or LF),
// quotes inside are doubled, and records end in LF. (Tabs and leading or trailing blanks are
// plain field text in RFC 4180 and need no quotes; the reader keeps them as they are.)
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace finseg::csv {

bool needs_quotes(std::string_view field) noexcept;
// Appends `field`, quoted when needed.
void append_field(std::string& out, std::string_view field);

// Writes records to a new file through a large buffer. Errors are IoError naming the file.
class FileWriter {
 public:
  explicit FileWriter(std::filesystem::path file);  // creates or truncates
  ~FileWriter();                                    // closes without flushing if close() was not called
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  void field(std::string_view text) { append_field(begin_field(), text); }
  // The buffer, after the separator, for a field the caller knows needs no quotes (numbers, dates).
  std::string& begin_field() {
    if (!first_) buf_ += ',';
    first_ = false;
    return buf_;
  }
  void end_record() {
    buf_ += '\n';
    first_ = true;
    if (buf_.size() >= kFlushAt) flush();
  }
  // Flushes, fsyncs and closes; the file is complete when this returns.
  void close();
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  static constexpr std::size_t kFlushAt = std::size_t{1} << 20;
  void flush();

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::string buf_;
  bool first_ = true;
};

}  // namespace finseg::csv
