// Bearer tokens of the API clients. The token file holds one `CLIENT sha256:HEX` line per token:
// the SHA-256 of the token, never the token itself (blank lines and lines starting with '#' are
// ignored). CLIENT is 1-64 characters of [A-Za-z0-9._-]; a client may have several tokens
// (rotation); a token belongs to one client only. `finseg token new` makes the tokens
// (token_file.hpp).
//
// Why a plain SHA-256 and not a salted, slow password hash: the tokens are 256 random bits, not
// passwords a person chose, so neither a dictionary nor a precomputed table can reverse a hash,
// and a salt or thousands of rounds would add nothing but a slow request. A reader of the file (a
// backup, a wrong permission) learns no token.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace finseg::http {

using TokenDigest = std::array<unsigned char, 32>;

TokenDigest sha256(std::string_view data) noexcept;
std::string digest_text(const TokenDigest& digest);  // "sha256:<64 lower-case hex digits>"

// One line of a token file. `ClearToken` is the format before hashes (`CLIENT TOKEN`): refused by
// the service, converted by `finseg token hash`.
struct NoToken {};
struct HashedToken {
  std::string client;
  TokenDigest digest;
};
struct ClearToken {
  std::string client;
  std::string token;
};
using TokenLine = std::variant<NoToken, HashedToken, ClearToken>;
// `where` ("FILE:LINE") starts every error message (UsageError). Never puts a token in a message.
TokenLine parse_token_line(std::string_view line, const std::string& where);
bool valid_client_name(std::string_view client) noexcept;

class TokenTable {
 public:
  // Throws UsageError naming the file and line on a malformed file, a clear-text token (saying
  // how to convert the file), an empty file or a token given twice.
  static TokenTable load(const std::filesystem::path& file);
  // Every request is this one client (`finseg serve --no-auth`).
  static TokenTable anonymous();
  TokenTable(TokenTable&& other) noexcept;
  TokenTable& operator=(TokenTable&&) = delete;

  // Takes the tokens of `fresh` (SIGHUP: a token added, one revoked): requests from now on are
  // checked against them; a request being checked finishes with the tokens it started with.
  void replace(TokenTable&& fresh);

  // The client of an `Authorization` header value ("Bearer <token>"), or nothing. The token's
  // hash is compared with every known hash in constant time, so timing tells nothing about them.
  std::optional<std::string> client_of(std::string_view authorization_header) const;

  bool open() const noexcept { return open_; }
  std::size_t size() const;

 private:
  TokenTable() = default;
  std::shared_ptr<const std::vector<HashedToken>> entries() const;

  mutable std::mutex mutex_;
  std::shared_ptr<const std::vector<HashedToken>> entries_ = std::make_shared<const std::vector<HashedToken>>();
  bool open_ = false;
};

// Constant-time equality for secrets: the time depends on the lengths only.
bool equal_constant_time(std::string_view a, std::string_view b) noexcept;

}  // namespace finseg::http
