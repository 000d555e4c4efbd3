#include "csv/csv_rejections.hpp"

#include "core/errors.hpp"
#include "core/text_limits.hpp"
#include "csv/csv_writer.hpp"

#include <fcntl.h>  // AT_FDCWD
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc, _GNU_SOURCE)
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace finseg::csv {

namespace {

constexpr std::size_t kMaxValueInMessage = 60;
constexpr std::size_t kMaxReasonInMessage = 160;  // reasons may quote the value (an unknown label)

constexpr char kHex[] = "0123456789abcdef";

void append_hex_byte(std::string& out, unsigned char c) {
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

// A value as it appears in a one-line message: control characters and bytes that are not
// well-formed UTF-8 escaped (so the message itself is valid UTF-8), long values cut at a UTF-8
// character boundary.
std::string printable(std::string_view v, std::size_t max_bytes = kMaxValueInMessage) {
  std::string out;
  std::size_t n = v.size();
  bool cut = false;
  if (n > max_bytes) {
    n = max_bytes;
    while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80) --n;
    cut = true;
  }
  const std::string_view shown = v.substr(0, n);
  std::size_t next_invalid = invalid_utf8_at(shown).value_or(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (i == next_invalid) {
      append_hex_byte(out, c);
      next_invalid = i + 1 + invalid_utf8_at(shown.substr(i + 1)).value_or(n);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      append_hex_byte(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (cut) out += "...(" + std::to_string(v.size()) + " bytes)";
  return out;
}

// Text for the rejects file: as it was, except bytes that are not well-formed UTF-8, written as
// \xNN so that the rejects file is UTF-8 like every CSV file of the contract.
std::string valid_utf8(std::string_view v) {
  std::string out;
  while (const auto at = invalid_utf8_at(v)) {
    out.append(v.substr(0, *at));
    append_hex_byte(out, static_cast<unsigned char>(v[*at]));
    v.remove_prefix(*at + 1);
  }
  return out.append(v);
}

}  // namespace

std::string describe(const Problem& p) {
  std::string s = p.file + ":" + std::to_string(p.line) + ": ";
  if (p.column.empty())
    s += "record '" + printable(p.value) + "': ";
  else
    s += "column '" + p.column + "' value '" + printable(p.value) + "': ";
  return s + printable(p.reason, kMaxReasonInMessage);
}

Rejections::Rejections(const ImportOptions& options)
    : options_(options), keep_(std::max<std::uint64_t>(options.max_reported_errors, options.max_rejects)) {}

Rejections::Rejections(const ImportOptions& options, std::vector<Problem> first, std::uint64_t rows)
    : Rejections(options) {
  rows_ = rows;
  kept_ = std::move(first);
  if (kept_.size() > keep_) kept_.resize(keep_);
}

void Rejections::add(const std::string& file, const Record& rec, std::string_view column, std::string_view value,
                     std::string reason) {
  ++rows_;
  if (kept_.size() >= keep_) return;
  kept_.push_back(Problem{file, rec.line, std::string(column), std::string(value), std::move(reason),
                          options_.max_rejects > 0 ? std::string(rec.raw) : std::string()});
}

void Rejections::check(const std::filesystem::path& dir) const {
  if (rows_ <= options_.max_rejects) return;
  std::string msg = "CSV import of " + dir.string() + " failed, nothing was imported: ";
  if (options_.max_rejects == 0)
    msg += "rejected rows (every row must be valid unless --max-rejects allows some):";
  else
    msg += "more rejected rows than the " + std::to_string(options_.max_rejects) + " allowed:";
  const std::size_t listed = std::min<std::size_t>(kept_.size(), options_.max_reported_errors);
  for (std::size_t i = 0; i < listed; ++i) {
    msg += '\n';
    msg += describe(kept_[i]);
  }
  msg += "\n" + std::to_string(rows_) + (rows_ == 1 ? " rejected row" : " rejected rows") + " in total";
  if (listed < rows_) msg += " (" + std::to_string(listed) + " listed)";
  throw InputError(msg);
}
void Rejections::write(const std::filesystem::path& target) const {
  const std::filesystem::path tmp = target.string() + ".tmp." + std::to_string(::getpid());
  try {
    FileWriter out(tmp);
    for (const char* h : {"file", "line", "column", "value", "reason", "record"}) out.field(h);
    out.end_record();
    for (const Problem& p : kept_) {
      out.field(p.file);
      out.begin_field() += std::to_string(p.line);
      out.field(p.column);
      out.field(valid_utf8(p.value));
      out.field(p.reason);
      out.field(valid_utf8(p.record));
      out.end_record();
    }
    out.close();
    // Without replace_rejects, a file that appeared since import_csv looked is not replaced either.
    const unsigned flags = options_.replace_rejects ? 0u : RENAME_NOREPLACE;
    if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), flags) != 0) {
      const int err = errno;
      throw IoError(err == EEXIST ? target.string() + " exists already: a rejects file is never overwritten"
                                  : "cannot write rejects file " + target.string() + ": " + std::strerror(err));
    }
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
}
}  // namespace finseg::csv
