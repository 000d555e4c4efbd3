#include "http/token_file.hpp"

#include "core/errors.hpp"
#include "http/tokens.hpp"
#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>

namespace finseg::http {

namespace {

std::string base64url(const unsigned char* data, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    for (bits += 8; bits >= 6; bits -= 6) out += kAlphabet[(buffer >> (bits - 6)) & 63];
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

// An exclusive flock(2) on the file's folder: the file itself is replaced by rename, so a lock
// on it would be a lock on a file that is no longer there.
class FolderLock {
 public:
  explicit FolderLock(const std::filesystem::path& file) {
    const std::filesystem::path dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) throw IoError("cannot open the folder " + dir.string() + " of the token file: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      throw IoError("cannot lock the folder " + dir.string() + ": " + std::strerror(errno));
    }
  }
  ~FolderLock() { ::close(fd_); }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

// The lines of the file with each one parsed (a missing file is an empty one); duplicates of a
// hash are errors, as in TokenTable::load.
struct ParsedFile {
  std::vector<std::string> lines;
  std::vector<TokenLine> parsed;
};

ParsedFile read_token_file(const std::filesystem::path& file) {
  ParsedFile f;
  if (!std::filesystem::exists(file)) return f;
  std::istringstream in(read_file(file));
  std::set<TokenDigest> seen;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = file.string() + ":" + std::to_string(number);
    TokenLine parsed = parse_token_line(line, where);
    const TokenDigest digest = std::holds_alternative<HashedToken>(parsed)  ? std::get<HashedToken>(parsed).digest
                               : std::holds_alternative<ClearToken>(parsed) ? sha256(std::get<ClearToken>(parsed).token)
                                                                            : TokenDigest{};
    if (!std::holds_alternative<NoToken>(parsed) && !seen.insert(digest).second) throw UsageError(where + ": this token is given twice");
    f.lines.push_back(line);
    f.parsed.push_back(std::move(parsed));
  }
  return f;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

std::string new_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw IoError("cannot draw random bytes for a token (OpenSSL RAND_bytes failed)");
  return "finseg_" + base64url(bytes, sizeof bytes);
}

std::string add_token(const std::filesystem::path& file, const std::string& client) {
  if (!valid_client_name(client)) throw UsageError("client '" + client + "': a name is 1-64 characters of A-Z a-z 0-9 . _ -");
  const FolderLock lock(file);
  ParsedFile f = read_token_file(file);
  for (std::size_t i = 0; i < f.parsed.size(); ++i)
    if (std::holds_alternative<ClearToken>(f.parsed[i]))
      throw UsageError(file.string() + ":" + std::to_string(i + 1) + ": a clear-text token (the old format): convert the file first with " +
                       "`finseg token hash --tokens " + file.string() + "`");
  const std::string token = new_token();
  f.lines.push_back(client + " " + digest_text(sha256(token)));
  write_file_atomic(file, join_lines(f.lines), Sync::durable, 0600);
  return token;
}

std::size_t hash_token_file(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) throw UsageError("--tokens " + file.string() + ": no such file");
  const FolderLock lock(file);
  ParsedFile f = read_token_file(file);
  std::size_t converted = 0;
  for (std::size_t i = 0; i < f.parsed.size(); ++i)
    if (const auto* clear = std::get_if<ClearToken>(&f.parsed[i])) {
      f.lines[i] = clear->client + " " + digest_text(sha256(clear->token));
      ++converted;
    }
  if (converted > 0) write_file_atomic(file, join_lines(f.lines), Sync::durable, 0600);
  return converted;
}

}  // namespace finseg::http
