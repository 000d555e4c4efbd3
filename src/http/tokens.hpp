// Bearer tokens of the API clients. The token file has one `CLIENT TOKEN` pair per line
// (blank lines and lines starting with '#' are ignored). CLIENT is 1-64 characters of
// [A-Za-z0-9._-]; TOKEN is 16-512 printable ASCII characters without blanks. A client may have
// several tokens (rotation); a token belongs to one client only.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace finseg::http {

class TokenTable {
 public:
  // Throws UsageError naming the file and line on a malformed file, an empty file or a token
  // given twice.
  static TokenTable load(const std::filesystem::path& file);
  // Every request is this one client (`finseg serve --no-auth`).
  static TokenTable anonymous();

  // The client of an `Authorization` header value ("Bearer <token>"), or nothing. The token is
  // compared with every known token in constant time, so timing tells nothing about them.
  std::optional<std::string> client_of(std::string_view authorization_header) const;

  bool open() const noexcept { return open_; }
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    std::string client;
    std::string token;
  };
  std::vector<Entry> entries_;
  bool open_ = false;
};

// Constant-time equality for secrets: the time depends on the lengths only.
bool equal_constant_time(std::string_view a, std::string_view b) noexcept;

}  // namespace finseg::http
