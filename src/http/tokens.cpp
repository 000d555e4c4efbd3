#include "http/tokens.hpp"

#include "core/errors.hpp"
#include "http/log.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>

namespace finseg::http {

namespace {

constexpr std::string_view kHashPrefix = "sha256:";

bool valid_clear_token(std::string_view t) {
  if (t.size() < 16 || t.size() > 512) return false;
  for (char ch : t)
    if (ch <= 0x20 || ch >= 0x7f) return false;
  return true;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<TokenDigest> parse_digest(std::string_view hex) {
  TokenDigest d{};
  if (hex.size() != 2 * d.size()) return std::nullopt;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    d[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return d;
}

}  // namespace

TokenDigest sha256(std::string_view data) noexcept {
  TokenDigest d{};
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), d.data(), &size, EVP_sha256(), nullptr);
  return d;
}

std::string digest_text(const TokenDigest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(kHashPrefix);
  for (unsigned char b : digest) {
    s += kHex[b >> 4];
    s += kHex[b & 15];
  }
  return s;
}

bool valid_client_name(std::string_view c) noexcept {
  if (c.empty() || c.size() > 64) return false;
  for (char ch : c)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
      return false;
  return true;
}

TokenLine parse_token_line(std::string_view text, const std::string& where) {
  std::string line(text);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::istringstream words(line);
  std::string client, secret, extra;
  if (!(words >> client) || client[0] == '#') return NoToken{};
  if (!(words >> secret) || (words >> extra)) throw UsageError(where + ": expected `CLIENT sha256:HASH`");
  if (!valid_client_name(client)) throw UsageError(where + ": client name must be 1-64 characters of A-Z a-z 0-9 . _ -");
  if (secret.rfind(kHashPrefix, 0) == 0) {
    const auto digest = parse_digest(std::string_view(secret).substr(kHashPrefix.size()));
    if (!digest) throw UsageError(where + ": the hash must be sha256: and 64 hexadecimal digits");
    return HashedToken{client, *digest};
  }
  if (!valid_clear_token(secret)) throw UsageError(where + ": expected `CLIENT sha256:HASH`");
  return ClearToken{client, secret};
}

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
  std::vector<HashedToken> entries;
  std::set<TokenDigest> seen;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = file.string() + ":" + std::to_string(number);
    const TokenLine parsed = parse_token_line(line, where);
    if (std::holds_alternative<ClearToken>(parsed))
      throw UsageError(where + ": a clear-text token (the old `CLIENT TOKEN` format); the token file keeps SHA-256 hashes "
                               "only now: convert it with `finseg token hash --tokens " + file.string() +
                       "` (the clients keep their tokens)");
    if (const auto* hashed = std::get_if<HashedToken>(&parsed)) {
      if (!seen.insert(hashed->digest).second) throw UsageError(where + ": this token is given twice");
      entries.push_back(*hashed);
    }
  }
  if (entries.empty())
    throw UsageError("--tokens " + file.string() + ": no `CLIENT sha256:HASH` line (add one with `finseg token new CLIENT --tokens " +
                     file.string() + "`)");
  TokenTable table;
  table.entries_ = std::make_shared<const std::vector<HashedToken>>(std::move(entries));
  return table;
}

TokenTable::TokenTable(TokenTable&& other) noexcept : entries_(other.entries()), open_(other.open_) {}

void TokenTable::replace(TokenTable&& fresh) {
  auto entries = fresh.entries();
  const std::lock_guard lock(mutex_);
  entries_ = std::move(entries);
}

std::shared_ptr<const std::vector<HashedToken>> TokenTable::entries() const {
  const std::lock_guard lock(mutex_);
  return entries_;
}

std::size_t TokenTable::size() const { return entries()->size(); }

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
  if (token.empty()) return std::nullopt;
  const TokenDigest presented = sha256(token);
  const std::string_view p(reinterpret_cast<const char*>(presented.data()), presented.size());
  const auto current = entries();
  const HashedToken* found = nullptr;
  for (const auto& e : *current)  // no early exit: every hash is compared
    if (equal_constant_time(p, std::string_view(reinterpret_cast<const char*>(e.digest.data()), e.digest.size()))) found = &e;
  if (!found) return std::nullopt;
  return found->client;
}

}  // namespace finseg::http
