#include "http/tokens.hpp"

#include "core/errors.hpp"
#include "http/log.hpp"

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>

namespace finseg::http {

namespace {

bool valid_client(std::string_view c) {
  if (c.empty() || c.size() > 64) return false;
  for (char ch : c)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
      return false;
  return true;
}

bool valid_token(std::string_view t) {
  if (t.size() < 16 || t.size() > 512) return false;
  for (char ch : t)
    if (ch <= 0x20 || ch >= 0x7f) return false;
  return true;
}

}  // namespace

bool equal_constant_time(std::string_view a, std::string_view b) noexcept {
  // Walks all of `b` whatever `a` is; a length difference is folded into the result.
  unsigned diff = static_cast<unsigned>(a.size() != b.size());
  for (std::size_t i = 0; i < b.size(); ++i) {
    const unsigned char x = a.empty() ? 0 : static_cast<unsigned char>(a[i % a.size()]);
    diff |= static_cast<unsigned>(x ^ static_cast<unsigned char>(b[i]));
  }
  return diff == 0;
}

TokenTable TokenTable::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw UsageError("--tokens " + file.string() + ": cannot read the token file");
  struct stat st{};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 0077) != 0)
    log_line("warning: token file " + file.string() + " is readable by group or others (chmod 600 it)");
  TokenTable table;
  std::set<std::string> seen;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream words(line);
    std::string client, token, extra;
    if (!(words >> client) || client[0] == '#') continue;
    const std::string where = file.string() + ":" + std::to_string(number) + ": ";
    if (!(words >> token) || (words >> extra)) throw UsageError(where + "expected `CLIENT TOKEN`");
    if (!valid_client(client)) throw UsageError(where + "client name must be 1-64 characters of A-Z a-z 0-9 . _ -");
    if (!valid_token(token)) throw UsageError(where + "token must be 16-512 printable characters without blanks");
    if (!seen.insert(token).second) throw UsageError(where + "this token is given twice");
    table.entries_.push_back({client, token});
  }
  if (table.entries_.empty()) throw UsageError("--tokens " + file.string() + ": no `CLIENT TOKEN` line");
  return table;
}

TokenTable TokenTable::anonymous() {
  TokenTable table;
  table.open_ = true;
  return table;
}

std::optional<std::string> TokenTable::client_of(std::string_view header) const {
  if (open_) return std::string("anonymous");
  constexpr std::string_view scheme = "bearer ";
  if (header.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (static_cast<char>(header[i] | 0x20) != scheme[i]) return std::nullopt;  // case-insensitive scheme
  std::string_view token = header.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  const Entry* found = nullptr;
  for (const auto& e : entries_)  // no early exit: every token is compared
    if (equal_constant_time(token, e.token)) found = &e;
  if (!found) return std::nullopt;
  return found->client;
}

}  // namespace finseg::http
