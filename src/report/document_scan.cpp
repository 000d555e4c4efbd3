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

[[noreturn]] void not_a_document(const std::filesystem::path& file, const std::string& why) {
  throw InputError(file.string() + ": not a finseg result document: " + why);
}

}  // namespace

DocumentHead read_document_head(const std::filesystem::path& file) {
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(file, ec);
  if (ec) throw IoError(file.string() + ": " + ec.message());
  std::ifstream in = open(file);
  std::string line;
  if (!std::getline(in, line)) not_a_document(file, "empty");
  const bool empty = line.size() >= 2 && line.compare(line.size() - 2, 2, "]}") == 0;
  const std::string suffix = "\"users\":[";
  if (!empty && (line.size() < suffix.size() || line.compare(line.size() - suffix.size(), suffix.size(), suffix) != 0))
    not_a_document(file, "the first line does not end with \"users\":[");
  JsonValue head;
  try {
    head = parse_json(empty ? line : line + "]}");
  } catch (const JsonParseError& e) {
    not_a_document(file, std::string("first line: ") + e.what());
  }
  const JsonValue* duration = head.find("durationInMonth");
  const JsonValue* creation = head.find("creationDate");
  if (!duration || duration->kind != JsonValue::Kind::number || !creation || creation->kind != JsonValue::Kind::string)
    not_a_document(file, "no durationInMonth and creationDate in the first line");
  DocumentHead h;
  h.duration_in_month = std::stoi(duration->text);
  h.creation_date = creation->text;
  h.users_begin = line.size() + 1;
  h.users_end = empty ? h.users_begin : size - 3;  // "]}\n"
  if (!empty) {
    in.seekg(static_cast<std::streamoff>(h.users_end));
    char tail[3] = {};
    if (size < h.users_begin + 3 || !in.read(tail, 3) || std::string(tail, 3) != "]}\n")
      not_a_document(file, "it does not end with a line ]} (truncated?)");
  }
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
    if (line.empty() || line.front() != '{') throw InputError(where + ": not a user line of a finseg result document");
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
