#include "results/results_stream.hpp"

#include "core/errors.hpp"

#include <map>

namespace finseg {

namespace {

// Columns of the enclosing objects first, then those of the innermost entry (docs/formats.md).
const std::map<std::string, std::vector<std::string>, std::less<>>& all_columns() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> columns = {
      {"highBalance", {"userId", "accountId", "amount"}},
      {"lowBalance", {"userId", "accountId", "amount"}},
      {"incomeSpendingSummary",
       {"userId", "accountId", "incomingTransactions", "outgoingTransactions", "incomingAmount", "outgoingAmount"}},
      {"financialBreakdown",
       {"userId", "labelGroup", "total", "average", "min", "max", "median", "standardDeviation", "month", "amount"}},
      {"insuranceSpending",
       {"userId", "missingInsuranceTypes", "accountId", "provider", "insuranceType", "amount", "frequency", "lastPaymentDate",
        "paymentsInPeriod", "totalInPeriod"}},
  };
  return columns;
}

void append_csv_field(std::string& out, const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    out += value;
    return;
  }
  out += '"';
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

bool is_entry_list(const JsonValue& v) {
  return v.kind == JsonValue::Kind::array && !v.items.empty() && v.items.front().kind == JsonValue::Kind::object;
}

std::string scalar_text(const JsonValue& v) {
  switch (v.kind) {
    case JsonValue::Kind::null: return "";
    case JsonValue::Kind::boolean: return v.boolean ? "true" : "false";
    case JsonValue::Kind::number:
    case JsonValue::Kind::string: return v.text;
    case JsonValue::Kind::array: {
      std::string joined;
      for (const auto& item : v.items) joined += (joined.empty() ? "" : "|") + scalar_text(item);
      return joined;
    }
    case JsonValue::Kind::object: return to_json_text(v);
  }
  return "";
}

// Fills the cells of `object`'s scalar members, then descends into its list of entries (one row
// per entry, recursively); an object without one is a row.
void rows_of(const JsonValue& object, const std::vector<std::string>& columns, std::vector<std::string> cells, std::string& out) {
  const JsonValue* entries = nullptr;
  for (const auto& [key, value] : object.members) {
    if (is_entry_list(value)) {
      entries = &value;
      continue;
    }
    for (std::size_t c = 0; c < columns.size(); ++c)
      if (columns[c] == key) cells[c] = scalar_text(value);
  }
  if (entries) {
    for (const auto& entry : entries->items) rows_of(entry, columns, cells, out);
    return;
  }
  for (std::size_t c = 0; c < cells.size(); ++c) {
    if (c > 0) out += ',';
    append_csv_field(out, cells[c]);
  }
  out += "\r\n";
}

}  // namespace

std::optional<DocumentFormat> parse_document_format(std::string_view name) {
  if (name == "json") return DocumentFormat::json;
  if (name == "ndjson") return DocumentFormat::ndjson;
  if (name == "csv") return DocumentFormat::csv;
  return std::nullopt;
}

const char* media_type(DocumentFormat format) noexcept {
  switch (format) {
    case DocumentFormat::json: return "application/json";
    case DocumentFormat::ndjson: return "application/x-ndjson";
    case DocumentFormat::csv: return "text/csv";
  }
  return "application/json";
}

const std::vector<std::string>& segment_columns(const std::string& segment) {
  const auto it = all_columns().find(segment);
  if (it == all_columns().end()) throw UsageError("no CSV layout for segment '" + segment + "'");
  return it->second;
}

std::string csv_rows_of_user(const JsonValue& user, const std::vector<std::string>& columns) {
  std::string out;
  rows_of(user, columns, std::vector<std::string>(columns.size()), out);
  return out;
}

DocumentStream::DocumentStream(const std::filesystem::path& document, DocumentFormat format, const std::string& segment,
                               std::uint64_t from, std::uint64_t count, std::string closing, DocumentKind kind)
    : reader_(document, kind), format_(format), left_(count), closing_(std::move(closing)) {
  if (kind == DocumentKind::changes && format == DocumentFormat::csv)
    throw UsageError("a changes document streams as ndjson (or json) only: its users have no CSV layout");
  if (format == DocumentFormat::csv) columns_ = segment_columns(segment);
  reader_.seek_to_byte(from);
}

void DocumentStream::begin(std::string& out) {
  started_ = true;
  if (format_ == DocumentFormat::csv) {
    for (std::size_t c = 0; c < columns_.size(); ++c) out += (c > 0 ? "," : "") + columns_[c];
    out += "\r\n";
  } else if (format_ == DocumentFormat::json) {
    std::string_view head = reader_.head_line();
    if (head.size() >= 3 && head.substr(head.size() - 3) == "[]}") head.remove_suffix(3);  // a document without users
    else if (!head.empty() && head.back() == '[') head.remove_suffix(1);
    out += head;
    out += '[';
  }
}

void DocumentStream::user(std::string& out) {
  switch (format_) {
    case DocumentFormat::json:
      out += first_user_ ? "\n" : ",\n";
      out += reader_.user_json();
      break;
    case DocumentFormat::ndjson:
      out += reader_.user_json();
      out += '\n';
      break;
    case DocumentFormat::csv: out += csv_rows_of_user(reader_.user_value(), columns_); break;
  }
  first_user_ = false;
}

bool DocumentStream::next_chunk(std::string& out, std::size_t bytes) {
  if (done_) return false;
  const std::size_t start = out.size();  // appends: a caller may gather the chunks in one string
  if (!started_) begin(out);
  while (out.size() - start < bytes) {
    if (left_ == 0 || !reader_.next()) {
      done_ = true;
      if (format_ == DocumentFormat::json)
        out += (first_user_ ? "" : "\n") + (closing_.empty() ? std::string("]}") : closing_) + "\n";
      return true;
    }
    --left_;
    user(out);
  }
  return true;
}

}  // namespace finseg
