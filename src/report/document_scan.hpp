// Reads a result document one user at a time, from any byte range, in flat memory. It relies on
// the layout every finseg document has (core/segments/document.hpp): a head line
// `{"durationInMonth":N,"creationDate":"YYYY-MM-DD","users":[`, then one compact user object per
// line (a ',' between them), then `]}`. A user is the line, so ranks split a document by bytes:
// each takes the users whose line starts in its range (no user is read twice or missed).
#pragma once

#include "io/json_value.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>

namespace finseg {

struct DocumentHead {
  int duration_in_month = 0;
  std::string creation_date;
  std::uint64_t users_begin = 0;  // byte offset of the first user line
  std::uint64_t users_end = 0;    // byte offset of the closing `]}` line (or of the end of an empty document)
};

// Reads the head and checks the tail; throws InputError naming the file when the file is not a
// finseg result document, IoError when it cannot be read.
DocumentHead read_document_head(const std::filesystem::path& file);

// Part `part` of `parts` (ranks) of the users' bytes: [first, second).
std::pair<std::uint64_t, std::uint64_t> user_bytes_of_part(const DocumentHead& head, int part, int parts);

// Calls on_user(user, where) for every user whose line starts in [begin, end); `where` is
// "FILE: byte N" for error messages. Throws InputError for a line that is not a user object.
using UserVisitor = std::function<void(const JsonValue& user, const std::string& where)>;
void scan_users(const std::filesystem::path& file, const DocumentHead& head, std::uint64_t begin, std::uint64_t end,
                const UserVisitor& on_user);

}  // namespace finseg
