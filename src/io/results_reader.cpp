#include "io/results_reader.hpp"

#include "core/errors.hpp"

#include <sys/types.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace finseg {

namespace {

constexpr std::size_t kReadBuffer = 256 * 1024;
constexpr std::string_view kHead = "{\"durationInMonth\":";
constexpr std::string_view kUserStart = "{\"userId\":\"";
// Below this many bytes, the binary search for a user reads on line by line.
constexpr std::uint64_t kLinearScan = 256 * 1024;

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The JSON string starting at `s` (after its opening quote) unescaped into `out`; returns the
// index of its closing quote, npos when malformed. Documents escape only '"', '\\' and control
// characters (json_text.hpp), but any valid escape is read.
std::size_t unescape_string(std::string_view s, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') return i;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == s.size()) return std::string_view::npos;
    switch (s[i]) {
      case '"': case '\\': case '/': out += s[i]; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        if (i + 4 >= s.size()) return std::string_view::npos;
        unsigned cp = 0;
        for (int k = 1; k <= 4; ++k) {
          const int h = hex_value(s[i + static_cast<std::size_t>(k)]);
          if (h < 0) return std::string_view::npos;
          cp = cp * 16 + static_cast<unsigned>(h);
        }
        append_utf8(out, cp);  // surrogates are never written by finseg; kept as they come
        i += 4;
        break;
      }
      default: return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

}  // namespace

ResultDocumentReader::ResultDocumentReader(std::filesystem::path file) : file_(std::move(file)), buffer_(new char[kReadBuffer]) {
  f_ = std::fopen(file_.c_str(), "rb");
  if (!f_) throw IoError("cannot read result document " + file_.string() + ": " + std::strerror(errno));
  std::setvbuf(f_, buffer_.get(), _IOFBF, kReadBuffer);
  if (::fseeko(f_, 0, SEEK_END) != 0) bad(std::strerror(errno));
  size_ = static_cast<std::uint64_t>(::ftello(f_));
  position(0);
  if (!read_line() || current_.substr(0, kHead.size()) != kHead) bad("not a finseg result document (no durationInMonth head)");
  if (ends_with(current_, "\"users\":[")) body_offset_ = current_.size() + 1;
  else if (ends_with(current_, "\"users\":[]}")) body_offset_ = size_;  // no users
  else bad("not a finseg result document (the head line does not open the users)");
  head_json_ = std::string(current_.substr(0, current_.rfind(",\"users\":"))) + "}";
  line_ = 1;
}

ResultDocumentReader::~ResultDocumentReader() {
  if (f_) std::fclose(f_);
  std::free(raw_);
}

void ResultDocumentReader::bad(const std::string& why) const {
  throw IoError("result document " + file_.string() + (line_ ? ": line " + std::to_string(line_) : std::string()) + ": " + why);
}

void ResultDocumentReader::position(std::uint64_t offset) {
  if (::fseeko(f_, static_cast<off_t>(offset), SEEK_SET) != 0) bad(std::strerror(errno));
  at_end_ = offset >= size_;
}

bool ResultDocumentReader::read_line() {
  if (at_end_) return false;
  const ssize_t n = ::getline(&raw_, &raw_capacity_, f_);
  if (n < 0) {
    if (std::ferror(f_)) bad(std::strerror(errno));
    at_end_ = true;
    return false;
  }
  std::size_t len = static_cast<std::size_t>(n);
  if (len > 0 && raw_[len - 1] == '\n') --len;
  current_ = std::string_view(raw_, len);
  return true;
}

std::uint64_t ResultDocumentReader::next_line_start(std::uint64_t offset) {
  if (offset <= body_offset_) return body_offset_;
  position(offset - 1);
  for (int c; (c = std::fgetc(f_)) != EOF;)
    if (c == '\n') return static_cast<std::uint64_t>(::ftello(f_));
  return size_;
}

bool ResultDocumentReader::parse_user_line() {
  if (current_.substr(0, kUserStart.size()) != kUserStart) {
    if (current_ == "]}") return false;
    bad("expected a user object or the end of the users, got '" + std::string(current_.substr(0, 40)) + "'");
  }
  std::string_view obj = current_;
  if (!obj.empty() && obj.back() == ',') obj.remove_suffix(1);
  if (obj.empty() || obj.back() != '}') bad("a user line does not end with '}' (the document is cut short or malformed)");
  if (unescape_string(obj.substr(kUserStart.size()), id_) == std::string_view::npos) bad("malformed userId");
  json_ = obj;
  return true;
}

bool ResultDocumentReader::next() {
  if (tail_seen_) return false;
  if (!read_line()) {
    if (body_offset_ < size_) bad("the document ends without closing its users (truncated?)");
    return false;
  }
  if (line_ > 0) ++line_;
  if (!parse_user_line()) {
    tail_seen_ = true;
    return false;
  }
  if (have_previous_ && !(previous_id_ < id_)) bad("userId '" + id_ + "' does not follow '" + previous_id_ + "': not sorted");
  previous_id_ = id_;
  have_previous_ = true;
  return true;
}

std::optional<std::string> ResultDocumentReader::user_at_or_after(std::uint64_t offset) {
  const std::uint64_t start = next_line_start(offset);
  if (start >= size_) return std::nullopt;
  position(start);
  if (!read_line() || !parse_user_line()) return std::nullopt;
  return id_;
}

void ResultDocumentReader::seek_to(const std::string& user) {
  // Invariant: every user before `lo` is < user; the first user >= user starts at or before `hi`.
  std::uint64_t lo = body_offset_, hi = size_;
  while (hi - lo > kLinearScan) {
    const std::uint64_t start = next_line_start(lo + (hi - lo) / 2);
    if (start >= hi) break;
    position(start);
    if (!read_line() || !parse_user_line() || !(id_ < user)) hi = start;
    else lo = start + current_.size() + 1;
  }
  // The last stretch line by line: the reader stops in front of the first user >= `user`.
  std::uint64_t at = lo;
  position(at);
  while (at < hi && read_line() && parse_user_line() && id_ < user) at += current_.size() + 1;
  position(at);
  tail_seen_ = false;
  line_ = 0;  // line numbers are unknown after a seek
  have_previous_ = false;
}

}  // namespace finseg
