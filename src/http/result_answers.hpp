// How a finished job's document is answered (docs/openapi.yaml): whole (as the contract says), one
// page of its users with a finAPI `paging` object (?page=P&perPage=N, from the user index
// results/results_index.hpp), or streamed as NDJSON or CSV for `Accept: application/x-ndjson` /
// `text/csv` (results/results_stream.hpp); and what a job that is not done yet says while it runs.
#pragma once

#include "results/results_stream.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace finseg::http {

inline constexpr std::uint64_t kDefaultPerPage = 20;  // finAPI's default
inline constexpr std::uint64_t kMaxPerPage = 500;     // finAPI's maximum

struct PageRequest {
  std::uint64_t page = 1;  // from 1
  std::uint64_t per_page = kDefaultPerPage;
};

// The page the query asks for: none (no page and no perPage), a PageRequest, or the message of a
// 400 (a value that is not an integer from 1, perPage over kMaxPerPage, a parameter given twice).
std::variant<std::monostate, PageRequest, std::string> parse_page_request(const httplib::Request& req);

// The format the Accept header asks for: the first of its media ranges that is one of ours
// (application/json, application/x-ndjson, text/csv); json for none, */* or application/*.
DocumentFormat accepted_format(const std::string& accept);

// A 200 with the document `file` of `segment` in `format`, whole or the page asked for. NDJSON and
// CSV (and a whole JSON document) are streamed in chunks; memory stays a chunk. Throws Error.
// A changes document (`kind`): no CSV (UsageError); a JSON page keeps its counts before `paging`.
// `keep` lives as long as the answer is being sent (GET .../changes: the temporary folder of `file`).
void answer_document(httplib::Response& res, const std::filesystem::path& file, const std::string& segment, DocumentFormat format,
                     const std::optional<PageRequest>& page, DocumentKind kind = DocumentKind::result,
                     std::shared_ptr<const void> keep = nullptr);

// "job J is running: 3 of 8 shards done; the result is not ready yet" (queued: waiting to run).
std::string not_ready_message(const std::filesystem::path& results, const std::string& job_id, bool running);

}  // namespace finseg::http
