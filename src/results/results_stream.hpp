// A result document (or a range of its users) in one of the formats bulk consumers read, produced
// in chunks from DocumentReader so that memory stays a chunk whatever the document's size: what
// `GET /segments/{segment}/{jobId}` streams for `Accept: application/x-ndjson` / `text/csv`, and
// what `finseg get --format` prints (docs/formats.md: the CSV layout of every segment).
//   json    the document as written (a range: the head line, those users, and `closing`)
//   ndjson  one compact user object per line, as in the document
//   csv     RFC 4180, a header row, then one row per user and innermost entry (segment_columns)
#pragma once

#include "results/results_reader.hpp"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace finseg {

enum class DocumentFormat { json, ndjson, csv };

std::optional<DocumentFormat> parse_document_format(std::string_view name);  // "json", "ndjson", "csv"
const char* media_type(DocumentFormat format) noexcept;  // application/json, application/x-ndjson, text/csv

// The CSV columns of a segment's documents (docs/formats.md); throws UsageError for an unknown segment.
const std::vector<std::string>& segment_columns(const std::string& segment);

// The rows of one user (a parsed user object) under `columns`, RFC 4180 quoted, each ending CRLF.
// One row per innermost entry; scalar arrays (missingInsuranceTypes) are joined with '|'.
std::string csv_rows_of_user(const JsonValue& user, const std::vector<std::string>& columns);

class DocumentStream {
 public:
  // `count` users from the one whose line starts at byte `from` (0: the first user). `segment` is
  // needed for csv only. For json, `closing` replaces the document's own closing line ("]}"):
  // the paging object of a page; empty: the document's own. A changes document (`kind`) streams
  // as ndjson or json (a page of it), not csv (its users are not of the segment's layout): UsageError.
  DocumentStream(const std::filesystem::path& document, DocumentFormat format, const std::string& segment,
                 std::uint64_t from = 0, std::uint64_t count = std::numeric_limits<std::uint64_t>::max(),
                 std::string closing = "", DocumentKind kind = DocumentKind::result);

  // Appends about `bytes` bytes (at least one user, or the rest) to `out`; false once all is out.
  bool next_chunk(std::string& out, std::size_t bytes = 256 * 1024);

 private:
  void begin(std::string& out);
  void user(std::string& out);

  DocumentReader reader_;
  DocumentFormat format_;
  std::vector<std::string> columns_;
  std::uint64_t left_;
  std::string closing_;
  bool started_ = false, done_ = false, first_user_ = true;
};

}  // namespace finseg
