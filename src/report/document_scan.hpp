// Reads a result document one user at a time, from any byte range, in flat memory. It relies on
// the layout every finseg document has (core/segments/document.hpp): a head line
// `{"durationInMonth":N,"creationDate":"YYYY-MM-DD","users":[`, then one compact user object per
// line (a ',' between them), then `]}`. A user is the line, so ranks split a document by bytes:
// each takes the users whose line starts in its range (no user is read twice or missed).
// A changes document (`finseg diff`, docs/changes.md) has the same layout with another head and a
// closing line `],"counts":{...}}`, so it is read by the same code.
#pragma once

#include "io/json_value.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>

namespace finseg {

enum class DocumentKind { result, changes };

struct DocumentHead {
  int duration_in_month = 0;
  std::string creation_date;      // result documents only
  std::uint64_t users_begin = 0;  // byte offset of the first user line
  std::uint64_t users_end = 0;    // byte offset of the closing line (or of the end of an empty document)
  JsonValue fields;               // the document without its users: head and closing line (changes: counts)
};

// Reads the head and checks the closing line; throws InputError naming the file when the file is
// not a finseg document of that kind, IoError when it cannot be read.
DocumentHead read_document_head(const std::filesystem::path& file, DocumentKind kind = DocumentKind::result);

// Part `part` of `parts` (ranks) of the users' bytes: [first, second).
std::pair<std::uint64_t, std::uint64_t> user_bytes_of_part(const DocumentHead& head, int part, int parts);

// Calls on_user(user, where) for every user whose line starts in [begin, end); `where` is
// "FILE: byte N" for error messages. Throws InputError for a line that is not a user object.
using UserVisitor = std::function<void(const JsonValue& user, const std::string& where)>;
void scan_users(const std::filesystem::path& file, const DocumentHead& head, std::uint64_t begin, std::uint64_t end,
                const UserVisitor& on_user);

}  // namespace finseg
