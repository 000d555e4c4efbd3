#include "http/result_answers.hpp"

#include "core/errors.hpp"
#include "http/query.hpp"
#include "results/results_checkpoints.hpp"
#include "results/json_value.hpp"
#include "results/results_index.hpp"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <memory>
#include <tuple>

namespace finseg::http {

namespace {

constexpr std::uint64_t kMaxPage = 1'000'000'000'000;  // far past any document; keeps page * perPage in range

// A decimal integer from 1 to `max`, digits only (no sign, no space, no fraction).
std::optional<std::uint64_t> positive_integer(const std::string& text, std::uint64_t max) {
  if (text.empty() || text.size() > 13 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::uint64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  if (v < 1 || v > max) return std::nullopt;
  return v;
}

std::string paging_closing(const PageRequest& page, std::uint64_t total) {
  const std::uint64_t pages = (total + page.per_page - 1) / page.per_page;
  return "],\"paging\":{\"page\":" + std::to_string(page.page) + ",\"perPage\":" + std::to_string(page.per_page) +
         ",\"pageCount\":" + std::to_string(pages) + ",\"totalCount\":" + std::to_string(total) + "}}";
}

// Hands the stream's chunks to httplib as it asks for them; the stream lives as long as the answer.
void stream(httplib::Response& res, std::shared_ptr<DocumentStream> s, DocumentFormat format, std::shared_ptr<const void> keep) {
  res.set_chunked_content_provider(media_type(format), [s, keep](std::size_t, httplib::DataSink& sink) {
    std::string chunk;
    const bool more = s->next_chunk(chunk);
    if (!chunk.empty() && !sink.write(chunk.data(), chunk.size())) return false;
    if (!more) sink.done();
    return true;
  });
}

// The whole document as written, with its length: no chunked encoding, the answer of today.
void whole_json(httplib::Response& res, const std::filesystem::path& file, std::shared_ptr<const void> keep) {
  auto in = std::make_shared<std::ifstream>(file, std::ios::binary);
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (!*in || ec) throw IoError("cannot read " + file.string());
  res.set_content_provider(size, "application/json", [in, keep](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
    char buffer[64 * 1024];
    in->seekg(static_cast<std::streamoff>(offset));
    const auto n = static_cast<std::streamsize>(std::min<std::size_t>(length, sizeof buffer));
    if (!in->read(buffer, n)) return false;  // the document shrank: cut the answer short
    return sink.write(buffer, static_cast<std::size_t>(n));
  });
}

// A page of a changes document ends with the document's counts (of all its users), then paging.
std::string changes_closing(const std::filesystem::path& file, const std::string& paging) {
  DocumentReader reader(file, DocumentKind::changes);
  const JsonValue* counts = reader.check_closing_line().fields.find("counts");
  return "],\"counts\":" + to_json_text(*counts) + "," + paging.substr(2);  // checked: counts is an object
}

}  // namespace

std::variant<std::monostate, PageRequest, std::string> parse_page_request(const httplib::Request& req) {
  std::optional<std::uint64_t> page, per_page;
  for (const auto& [name, max, out] : {std::tuple{"page", kMaxPage, &page}, std::tuple{"perPage", kMaxPerPage, &per_page}}) {
    const std::string key = name;
    if (times_given(req, key) > 1) return "query parameter '" + key + "': given more than once";
    if (!req.has_param(key)) continue;
    const std::string value = req.get_param_value(key);
    *out = positive_integer(value, max);
    if (!*out)
      return "query parameter '" + key + "': an integer from 1 to " + std::to_string(max) + " expected, got '" + value.substr(0, 40) + "'";
  }
  if (!page && !per_page) return std::monostate{};
  return PageRequest{page.value_or(1), per_page.value_or(kDefaultPerPage)};
}

DocumentFormat accepted_format(const std::string& accept) {
  std::size_t start = 0;
  while (start <= accept.size()) {
    const std::size_t comma = std::min(accept.find(',', start), accept.size());
    std::string range = accept.substr(start, comma - start);
    range = range.substr(0, range.find(';'));
    range.erase(0, range.find_first_not_of(" \t"));
    range.erase(range.find_last_not_of(" \t") + 1);
    if (range == "application/x-ndjson") return DocumentFormat::ndjson;
    if (range == "text/csv") return DocumentFormat::csv;
    if (range == "application/json") return DocumentFormat::json;
    start = comma + 1;
  }
  return DocumentFormat::json;
}

void answer_document(httplib::Response& res, const std::filesystem::path& file, const std::string& segment, DocumentFormat format,
                     const std::optional<PageRequest>& page, DocumentKind kind, std::shared_ptr<const void> keep) {
  if (kind == DocumentKind::changes && format == DocumentFormat::csv)
    throw UsageError("Accept: text/csv: a changes document has no CSV layout (application/json or application/x-ndjson)");
  res.status = 200;
  if (!page) {
    if (format == DocumentFormat::json) return whole_json(res, file, std::move(keep));
    constexpr auto all = std::numeric_limits<std::uint64_t>::max();
    return stream(res, std::make_shared<DocumentStream>(file, format, segment, 0, all, "", kind), format, std::move(keep));
  }
  const UserIndex index = UserIndex::open_or_build(file, kind);
  const std::uint64_t first = (page->page - 1) * page->per_page;
  const std::uint64_t count = first < index.count() ? std::min(page->per_page, index.count() - first) : 0;
  // A page past the end is an empty page (finAPI answers 200 with no items), read from nowhere.
  const std::uint64_t from = count > 0 ? index.offset(first) : 0;
  std::string closing = paging_closing(*page, index.count());
  if (kind == DocumentKind::changes) closing = changes_closing(file, closing);
  DocumentStream s(file, format, segment, from, count, closing, kind);
  std::string body;
  while (s.next_chunk(body)) {
  }
  res.set_content(body, media_type(format));  // perPage <= 500 users: small
}

std::string not_ready_message(const std::filesystem::path& results, const std::string& job_id, bool running) {
  if (!running) return "job " + job_id + " is queued: waiting to run; the result is not ready yet";
  const auto progress = checkpoint_progress(results, job_id);
  if (!progress) return "job " + job_id + " is running: starting; the result is not ready yet";
  std::string of = progress->total > 0 ? " of " + std::to_string(progress->total) : "";
  return "job " + job_id + " is running: " + std::to_string(progress->done) + of + " shards done; the result is not ready yet";
}

}  // namespace finseg::http
