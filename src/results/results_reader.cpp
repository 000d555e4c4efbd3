#include "results/results_reader.hpp"

#include "core/errors.hpp"

#include <sys/types.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
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

const char* kind_word(DocumentKind kind) { return kind == DocumentKind::result ? "result" : "changes"; }

bool is_closing_line(std::string_view line, DocumentKind kind) {
  return kind == DocumentKind::result ? line == "]}" : line.substr(0, 2) == "],";
}

}  // namespace

std::pair<std::uint64_t, std::uint64_t> user_bytes_of_part(const DocumentHead& head, int part, int parts) {
  const std::uint64_t span = head.users_end - head.users_begin;
  const auto at = [&](int k) { return head.users_begin + span * static_cast<std::uint64_t>(k) / static_cast<std::uint64_t>(parts); };
  return {at(part), at(part + 1)};
}

DocumentHead read_document_head(const std::filesystem::path& file, DocumentKind kind) {
  DocumentReader reader(file, kind);
  return reader.check_closing_line();
}

void scan_users(const std::filesystem::path& file, const DocumentHead& head, std::uint64_t begin, std::uint64_t end,
                const UserVisitor& on_user) {
  DocumentReader reader(file, head.kind);
  for (reader.seek_to_byte(begin); reader.next_before(std::min(end, head.users_end));) on_user(reader.user_value(), reader.where());
}

DocumentReader::DocumentReader(std::filesystem::path file, DocumentKind kind) : file_(std::move(file)), buffer_(new char[kReadBuffer]) {
  head_.kind = kind;
  f_ = std::fopen(file_.c_str(), "rb");
  if (!f_) io_failed(std::string("cannot open: ") + std::strerror(errno));
  try {
    std::setvbuf(f_, buffer_.get(), _IOFBF, kReadBuffer);
    if (::fseeko(f_, 0, SEEK_END) != 0) io_failed(std::strerror(errno));
    size_ = static_cast<std::uint64_t>(::ftello(f_));
    read_head_line();
  } catch (...) {
    release();  // no destructor runs for a constructor that throws
    throw;
  }
}

DocumentReader::~DocumentReader() { release(); }

void DocumentReader::release() noexcept {
  if (f_) std::fclose(f_);
  f_ = nullptr;
  std::free(raw_);
  raw_ = nullptr;
}

void DocumentReader::not_a_document(const std::string& why) const {
  throw DocumentError(file_.string() + ": not a finseg " + kind_word(head_.kind) + " document: " + why);
}

void DocumentReader::bad(const std::string& why) const { throw DocumentError(where() + ": " + why); }

void DocumentReader::io_failed(const std::string& why) const { throw IoError(file_.string() + ": " + why); }

std::string DocumentReader::where() const { return file_.string() + ": byte " + std::to_string(line_offset_); }

// The first line: the document's fields up to its users, checked for the kind. A document without
// users is that line alone, its closing included.
void DocumentReader::read_head_line() {
  position(0);
  if (!read_line()) not_a_document("empty");
  head_line_ = current_;
  closed_in_head_ = !ends_with(head_line_, "\"users\":[");
  if (closed_in_head_ && (head_line_.empty() || head_line_.back() != '}')) not_a_document("the first line does not end with \"users\":[");
  head_.users_begin = head_line_.size() + 1;
  head_.users_end = closed_in_head_ ? head_.users_begin : size_;  // at most; check_closing_line() knows
  head_.fields = parse_fields(closed_in_head_ ? head_line_ : head_line_ + "]}", "first line: ");
  const JsonValue* duration = head_.fields.find("durationInMonth");
  const JsonValue* users = head_.fields.find("users");
  int months = 0;
  if (!duration || duration->kind != JsonValue::Kind::number || !users || users->kind != JsonValue::Kind::array ||
      std::from_chars(duration->text.data(), duration->text.data() + duration->text.size(), months).ptr !=
          duration->text.data() + duration->text.size())
    not_a_document("no durationInMonth and users in the first line");
  head_.duration_in_month = months;
  if (!users->items.empty()) not_a_document("its users are not one per line");
  const char* key = head_.kind == DocumentKind::result ? "creationDate" : "segment";
  const JsonValue* v = head_.fields.find(key);
  if (!v || v->kind != JsonValue::Kind::string) not_a_document(std::string("no ") + key + " in the first line");
  if (head_.kind == DocumentKind::result) head_.creation_date = v->text;
  if (closed_in_head_) check_closing_fields();
}

JsonValue DocumentReader::parse_fields(const std::string& text, const char* which) const {
  try {
    return parse_json(text);
  } catch (const JsonParseError& e) {
    not_a_document(which + std::string(e.what()));
  }
}

void DocumentReader::check_closing_fields() const {
  const JsonValue* counts = head_.fields.find("counts");
  if (head_.kind == DocumentKind::changes && (!counts || counts->kind != JsonValue::Kind::object))
    not_a_document("no counts in the last line");
}

const DocumentHead& DocumentReader::check_closing_line() {
  if (closed_in_head_ || closing_checked_) return head_;
  // The closing line is a few hundred bytes at most (changes: the counts): read from the end.
  const std::uint64_t span = std::min<std::uint64_t>(size_ - std::min(size_, head_.users_begin), 4096);
  std::string tail(span, '\0');
  if (::fseeko(f_, static_cast<off_t>(size_ - span), SEEK_SET) != 0) io_failed(std::strerror(errno));
  if (std::fread(tail.data(), 1, span, f_) != span) io_failed("read error");
  position(offset_);
  if (span < 3 || tail.back() != '\n') not_a_document("it does not end with a closing line (truncated?)");
  tail.pop_back();
  const std::size_t newline = tail.rfind('\n');
  if (newline == std::string::npos && span == 4096) not_a_document("its last line is not a closing line (truncated?)");
  const std::string closing = newline == std::string::npos ? tail : tail.substr(newline + 1);
  head_.users_end = size_ - closing.size() - 1;
  if (head_.users_end < head_.users_begin || !is_closing_line(closing, head_.kind))
    not_a_document(std::string("it does not end with a line ") + (head_.kind == DocumentKind::result ? "]}" : "],\"counts\":…") +
                   " (truncated?)");
  head_.fields = parse_fields(head_line_ + closing, "first and last line: ");
  check_closing_fields();
  closing_checked_ = true;
  return head_;
}

void DocumentReader::position(std::uint64_t offset) {
  if (::fseeko(f_, static_cast<off_t>(offset), SEEK_SET) != 0) io_failed(std::strerror(errno));
  offset_ = offset;
  at_end_ = offset >= size_;
}

bool DocumentReader::read_line() {
  if (at_end_) return false;
  const ssize_t n = ::getline(&raw_, &raw_capacity_, f_);
  if (n < 0) {
    if (std::ferror(f_)) io_failed(std::strerror(errno));
    at_end_ = true;
    return false;
  }
  line_offset_ = offset_;
  offset_ += static_cast<std::uint64_t>(n);
  std::size_t len = static_cast<std::size_t>(n);
  if (len > 0 && raw_[len - 1] == '\n') --len;
  current_ = std::string_view(raw_, len);
  return true;
}

std::uint64_t DocumentReader::next_line_start(std::uint64_t offset) {
  if (offset <= head_.users_begin) return head_.users_begin;
  position(offset - 1);
  for (int c; (c = std::fgetc(f_)) != EOF;)
    if (c == '\n') return static_cast<std::uint64_t>(::ftello(f_));
  return size_;
}

bool DocumentReader::parse_user_line() {
  if (current_.substr(0, kUserStart.size()) != kUserStart) {
    if (is_closing_line(current_, head_.kind)) return false;
    bad("expected a user object or the end of the users, got '" + std::string(current_.substr(0, 40)) + "'");
  }
  std::string_view obj = current_;
  if (!obj.empty() && obj.back() == ',') obj.remove_suffix(1);
  if (obj.empty() || obj.back() != '}') bad("a user line does not end with '}' (the document is cut short or malformed)");
  if (unescape_string(obj.substr(kUserStart.size()), id_) == std::string_view::npos) bad("malformed userId");
  json_ = obj;
  return true;
}

bool DocumentReader::next() {
  if (tail_seen_ || closed_in_head_) return false;
  if (!read_line()) {
    line_offset_ = offset_;
    bad("the document ends without closing its users (truncated?)");
  }
  if (!parse_user_line()) {
    tail_seen_ = true;
    return false;
  }
  if (have_previous_ && !(previous_id_ < id_)) bad("userId '" + id_ + "' does not follow '" + previous_id_ + "': not sorted");
  previous_id_ = id_;
  have_previous_ = true;
  return true;
}

bool DocumentReader::next_before(std::uint64_t end) { return offset_ < end && next(); }

JsonValue DocumentReader::user_value() const {
  try {
    return parse_json(std::string(json_));
  } catch (const JsonParseError& e) {
    bad(e.what());
  }
}

std::optional<std::string> DocumentReader::user_at_or_after(std::uint64_t offset) {
  const std::uint64_t start = next_line_start(offset);
  if (start >= size_) return std::nullopt;
  position(start);
  if (!read_line() || !parse_user_line()) return std::nullopt;
  return id_;
}

void DocumentReader::restart() {
  tail_seen_ = false;
  have_previous_ = false;  // the order is checked from here on
}

void DocumentReader::seek_to_byte(std::uint64_t offset) {
  position(next_line_start(offset));
  restart();
}

void DocumentReader::seek_to(const std::string& user) {
  // Invariant: every user before `lo` is < user; the first user >= user starts at or before `hi`.
  if (closed_in_head_) return restart();
  std::uint64_t lo = head_.users_begin, hi = size_;
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
  restart();
}

}  // namespace finseg
