// Streams a result document (SEGMENTS.md 2) one user at a time, without parsing the whole of it.
//
// It relies on the layout the writers guarantee (core/segments/document.hpp): a head line
// `{"durationInMonth":N,"creationDate":"...","users":[`, then one compact user object per line
// (`{"userId":"...",...}`, a `,` after every one but the last; JSON strings never hold a raw
// newline), then `]}`. So a user starts at a line start, and any byte offset leads to the next
// user by skipping to the next newline: a rank can start reading in the middle of a document
// (seek_to) after a binary search on byte offsets, and memory is one line.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace finseg {

class ResultDocumentReader {
 public:
  // Opens and checks the head; throws IoError naming the file when it is not a result document.
  explicit ResultDocumentReader(std::filesystem::path file);
  ~ResultDocumentReader();
  ResultDocumentReader(const ResultDocumentReader&) = delete;
  ResultDocumentReader& operator=(const ResultDocumentReader&) = delete;

  const std::filesystem::path& file() const noexcept { return file_; }
  std::uint64_t size() const noexcept { return size_; }
  std::uint64_t body_offset() const noexcept { return body_offset_; }  // the first user's line
  // The head as a JSON object of its own ({"durationInMonth":N,"creationDate":"..."}).
  const std::string& head_json() const noexcept { return head_json_; }

  // Positions the reader at the first user whose userId is >= `user` ("" = the first user).
  void seek_to(const std::string& user);
  // The userId of the first user that starts at or after byte `offset`; nothing past the last one.
  std::optional<std::string> user_at_or_after(std::uint64_t offset);

  // The next user; false at the end of the users. Checks that userIds increase strictly.
  bool next();
  const std::string& user_id() const noexcept { return id_; }  // unescaped
  std::string_view user_json() const noexcept { return json_; }  // the compact object as written
  std::uint64_t line() const noexcept { return line_; }           // 1-based, for messages; 0 after a seek

 private:
  // Reads the line starting at `offset` (or the current position); false at end of file.
  bool read_line();
  void position(std::uint64_t offset);
  std::uint64_t next_line_start(std::uint64_t offset);
  // Parses the line just read: a user (true, id_ and json_ set) or the tail (false).
  bool parse_user_line();
  [[noreturn]] void bad(const std::string& why) const;

  std::filesystem::path file_;
  std::FILE* f_ = nullptr;
  std::unique_ptr<char[]> buffer_;
  std::uint64_t size_ = 0, body_offset_ = 0;
  char* raw_ = nullptr;  // getline's buffer
  std::size_t raw_capacity_ = 0;
  std::string_view current_;  // the line read last, without its newline
  std::string head_json_, id_, previous_id_;
  std::string_view json_;
  std::uint64_t line_ = 0;
  bool at_end_ = false, have_previous_ = false, tail_seen_ = false;
};

}  // namespace finseg
