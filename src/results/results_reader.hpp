// Streams a finseg document one user at a time, without parsing the whole of it: the one reader of
// result documents (SEGMENTS.md 2) and changes documents (`finseg diff`, docs/changes.md), used by
// `finseg diff` and `finseg report`.
//
// It relies on the layout the writers guarantee (core/segments/document.hpp, results/results_diff.cpp):
// a head line (`{"durationInMonth":N,"creationDate":"...","users":[` for a result,
// `{"segment":...,"users":[` for changes), then one compact user object per line
// (`{"userId":"...",...}`, a `,` after every one but the last; JSON strings never hold a raw
// newline), then a closing line (`]}`, or `],"counts":{...}}` for changes); a document without
// users is its head line alone (`..."users":[]}` / `..."users":[],"counts":{...}}`). So a user
// starts at a line start, and any byte offset leads to the next user by skipping to the next
// newline: a rank starts reading in the middle of a document (a byte range, or seek_to after a
// binary search on byte offsets), and memory is one line.
#pragma once

#include "core/errors.hpp"
#include "results/json_value.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace finseg {

enum class DocumentKind { result, changes };

// The file is not a finseg document of the kind expected: damaged, truncated, edited, foreign; the
// message names the file (and the byte of the offending user line). An IoError (exit 6), as
// `finseg diff` documents it; `finseg report` maps it to InputError (exit 3, docs/report.md).
// A file that cannot be read at all is a plain IoError.
struct DocumentError : IoError {
  using IoError::IoError;
};

struct DocumentHead {
  DocumentKind kind = DocumentKind::result;
  int duration_in_month = 0;
  std::string creation_date;      // result documents only
  std::uint64_t users_begin = 0;  // byte offset of the first user line
  std::uint64_t users_end = 0;    // of the closing line (of the end, without users); after check_closing_line
  JsonValue fields;               // the document without its users: the head (and closing line, once checked)
};

// Part `part` of `parts` (ranks) of the users' bytes, [first, second): read it with
// DocumentReader::seek_to_byte(first) and next_before(second), and no user is read twice or missed.
std::pair<std::uint64_t, std::uint64_t> user_bytes_of_part(const DocumentHead& head, int part, int parts);

// The head and the closing line of `file`, checked (DocumentReader::check_closing_line).
DocumentHead read_document_head(const std::filesystem::path& file, DocumentKind kind = DocumentKind::result);

// Calls on_user(user, where) for every user whose line starts in [begin, end), parsed; `where` is
// "FILE: byte N" for messages. Throws DocumentError for a line that is not a user object.
using UserVisitor = std::function<void(const JsonValue& user, const std::string& where)>;
void scan_users(const std::filesystem::path& file, const DocumentHead& head, std::uint64_t begin, std::uint64_t end,
                const UserVisitor& on_user);

class DocumentReader {
 public:
  // Opens and checks the head line; throws DocumentError naming the file when it is not a finseg
  // document of that kind. The closing line is checked when the users reach it, or at once by
  // check_closing_line() (`finseg report`, which needs users_end to split the bytes). `finseg diff`
  // leaves it to the merge, so a document cut short fails a diff whose marker says so (get: 12).
  explicit DocumentReader(std::filesystem::path file, DocumentKind kind = DocumentKind::result);
  ~DocumentReader();
  DocumentReader(const DocumentReader&) = delete;
  DocumentReader& operator=(const DocumentReader&) = delete;

  const std::filesystem::path& file() const noexcept { return file_; }
  std::uint64_t size() const noexcept { return size_; }
  std::uint64_t body_offset() const noexcept { return head_.users_begin; }  // the first user's line
  const DocumentHead& head() const noexcept { return head_; }
  // The first line as written, without its newline (ends with "users":[ unless there are no users).
  const std::string& head_line() const noexcept { return head_line_; }

  // Reads the closing line (a few hundred bytes from the end) into head(): users_end, and its
  // fields (changes: counts). Throws DocumentError when the document does not end with one.
  const DocumentHead& check_closing_line();

  // Positions the reader at the first user whose userId is >= `user` ("" = the first user).
  void seek_to(const std::string& user);
  // Positions the reader at the first user whose line starts at or after byte `offset`.
  void seek_to_byte(std::uint64_t offset);
  // The userId of the first user that starts at or after byte `offset`; nothing past the last one.
  std::optional<std::string> user_at_or_after(std::uint64_t offset);

  // The next user; false at the end of the users. Checks that userIds increase strictly.
  bool next();
  // The next user whose line starts before byte `end`; false past it or at the end of the users.
  bool next_before(std::uint64_t end);
  const std::string& user_id() const noexcept { return id_; }      // unescaped
  std::string_view user_json() const noexcept { return json_; }    // the compact object as written
  JsonValue user_value() const;                                    // parsed; DocumentError when malformed
  std::string where() const;                                       // "FILE: byte N", for messages
  std::uint64_t line_offset() const noexcept { return line_offset_; }  // where the user read last starts

 private:
  void read_head_line();
  JsonValue parse_fields(const std::string& text, const char* which) const;
  void release() noexcept;
  void check_closing_fields() const;
  void restart();
  // Reads the line starting at the current position; false at end of file.
  bool read_line();
  void position(std::uint64_t offset);
  std::uint64_t next_line_start(std::uint64_t offset);
  // Parses the line just read: a user (true, id_ and json_ set) or the closing line (false).
  bool parse_user_line();
  [[noreturn]] void not_a_document(const std::string& why) const;
  [[noreturn]] void bad(const std::string& why) const;     // the user line at line_offset_
  [[noreturn]] void io_failed(const std::string& why) const;

  std::filesystem::path file_;
  DocumentHead head_;
  std::FILE* f_ = nullptr;
  std::unique_ptr<char[]> buffer_;
  std::uint64_t size_ = 0;
  std::uint64_t offset_ = 0;       // where the next line starts
  std::uint64_t line_offset_ = 0;  // where the line read last starts
  char* raw_ = nullptr;            // getline's buffer
  std::size_t raw_capacity_ = 0;
  std::string_view current_;       // the line read last, without its newline
  std::string head_line_, id_, previous_id_;
  std::string_view json_;
  bool closed_in_head_ = false;  // a document without users: one line
  bool closing_checked_ = false, at_end_ = false, have_previous_ = false, tail_seen_ = false;
};

}  // namespace finseg
