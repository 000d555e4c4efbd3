#include "report/document_scan.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <fstream>
#include <vector>

namespace finseg {

namespace {

std::ifstream open(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file.string() + ": cannot open");
  return in;
}

[[noreturn]] void not_a_document(const std::filesystem::path& file, DocumentKind kind, const std::string& why) {
  throw InputError(file.string() + ": not a finseg " + (kind == DocumentKind::result ? "result" : "changes") + " document: " + why);
}

// The closing line of a document of several lines (without its '\n'): `]}` for a result,
// `],"counts":{...}}` for changes; a few hundred bytes, read from the end.
std::string closing_line(std::ifstream& in, const std::filesystem::path& file, DocumentKind kind, std::uint64_t users_begin,
                         std::uint64_t size) {
  const std::uint64_t span = std::min<std::uint64_t>(size - std::min(size, users_begin), 4096);
  std::string tail(span, '\0');
  in.seekg(static_cast<std::streamoff>(size - span));
  if (span < 3 || !in.read(tail.data(), static_cast<std::streamsize>(span)) || tail.back() != '\n')
    not_a_document(file, kind, "it does not end with a closing line (truncated?)");
  tail.pop_back();
  const std::size_t newline = tail.rfind('\n');
  if (newline == std::string::npos && span == 4096) not_a_document(file, kind, "its last line is not a closing line (truncated?)");
  return newline == std::string::npos ? tail : tail.substr(newline + 1);
}

// What each kind of document must say in its head and closing line.
void check_fields(const std::filesystem::path& file, DocumentKind kind, const JsonValue& fields, DocumentHead& h) {
  const JsonValue* duration = fields.find("durationInMonth");
  const JsonValue* users = fields.find("users");
  if (!duration || duration->kind != JsonValue::Kind::number || !users || users->kind != JsonValue::Kind::array)
    not_a_document(file, kind, "no durationInMonth and users in the first line");
  h.duration_in_month = std::stoi(duration->text);
  if (kind == DocumentKind::result) {
    const JsonValue* creation = fields.find("creationDate");
    if (!creation || creation->kind != JsonValue::Kind::string) not_a_document(file, kind, "no creationDate in the first line");
    h.creation_date = creation->text;
    return;
  }
  const JsonValue* segment = fields.find("segment");
  const JsonValue* counts = fields.find("counts");
  if (!segment || segment->kind != JsonValue::Kind::string || !counts || counts->kind != JsonValue::Kind::object)
    not_a_document(file, kind, "no segment in the first line or no counts in the last");
}

}  // namespace

DocumentHead read_document_head(const std::filesystem::path& file, DocumentKind kind) {
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(file, ec);
  if (ec) throw IoError(file.string() + ": " + ec.message());
  std::ifstream in = open(file);
  std::string line;
  if (!std::getline(in, line)) not_a_document(file, kind, "empty");
  // A document without users is one line; else the first line ends where the users begin.
  const std::string suffix = "\"users\":[";
  const bool one_line = line.size() < suffix.size() || line.compare(line.size() - suffix.size(), suffix.size(), suffix) != 0;
  if (one_line && (line.empty() || line.back() != '}')) not_a_document(file, kind, "the first line does not end with \"users\":[");
  DocumentHead h;
  h.users_begin = line.size() + 1;
  std::string closing;
  if (one_line) {
    h.users_end = h.users_begin;
  } else {
    closing = closing_line(in, file, kind, h.users_begin, size);
    h.users_end = size - closing.size() - 1;
    const bool closes = kind == DocumentKind::result ? closing == "]}" : closing.rfind("],", 0) == 0;
    if (h.users_end < h.users_begin || !closes)
      not_a_document(file, kind, std::string("it does not end with a line ") + (kind == DocumentKind::result ? "]}" : "],\"counts\":…") + " (truncated?)");
  }
  try {
    h.fields = parse_json(line + closing);
  } catch (const JsonParseError& e) {
    not_a_document(file, kind, std::string(one_line ? "first line: " : "first and last line: ") + e.what());
  }
  check_fields(file, kind, h.fields, h);
  if (one_line && !h.fields.find("users")->items.empty()) not_a_document(file, kind, "its users are not one per line");
  return h;
}

std::pair<std::uint64_t, std::uint64_t> user_bytes_of_part(const DocumentHead& head, int part, int parts) {
  const std::uint64_t span = head.users_end - head.users_begin;
  const auto at = [&](int k) { return head.users_begin + span * static_cast<std::uint64_t>(k) / static_cast<std::uint64_t>(parts); };
  return {at(part), at(part + 1)};
}

void scan_users(const std::filesystem::path& file, const DocumentHead& head, std::uint64_t begin, std::uint64_t end,
                const UserVisitor& on_user) {
  begin = std::max(begin, head.users_begin);  // the head line and the closing line are no users
  end = std::min(end, head.users_end);
  if (begin >= end) return;
  std::vector<char> buffer(1 << 20);  // large reads: a document may be many GB
  std::ifstream in;
  in.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  in.open(file, std::ios::binary);
  if (!in) throw IoError(file.string() + ": cannot open");
  std::string line;
  // Start at the first line that begins at or after `begin`: a line begins after a '\n'.
  std::uint64_t pos = begin;
  in.seekg(static_cast<std::streamoff>(begin - 1));
  char before = 0;
  in.get(before);
  if (before != '\n') {
    if (!std::getline(in, line)) return;
    pos += line.size() + 1;
  }
  while (pos < end && std::getline(in, line)) {
    const std::string where = file.string() + ": byte " + std::to_string(pos);
    pos += line.size() + 1;
    if (!line.empty() && line.back() == ',') line.pop_back();
    if (line.empty() || line.front() != '{') throw InputError(where + ": not a user line of a finseg document");
    JsonValue user;
    try {
      user = parse_json(line);
    } catch (const JsonParseError& e) {
      throw InputError(where + ": " + e.what());
    }
    on_user(user, where);
  }
  if (in.bad()) throw IoError(file.string() + ": read error");
}

}  // namespace finseg
