// The result document of a job (SEGMENTS.md 2): {"durationInMonth":N,"creationDate":"...",
// "users":[...]} with the users of the combined partial in order, one user per line.
// Deterministic bytes: the same partial gives the same document at any rank count.
// The document is head + (separator + user)… + tail, written by write_document() over the one
// merge of partials (user_merge.hpp), whether the users come from memory or from the partial
// files of a run (results/partial_file.hpp).
#pragma once

#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"
#include "core/segments/user_merge.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace finseg {

std::string render_document(const JobSpec& job, const SegmentPartial& all);

// The job's document of the merged sources (merge_users), written piece by piece through
// `write`; returns the totals. `what` names the merge in a std::logic_error.
SegmentTotals write_document(const JobSpec& job, std::vector<PendingSource> sources,
                             const std::function<void(std::string_view)>& write, const std::string& what);
// The users part of it only, (separator + user)...: a range of a document's users whose first is
// the document's first user when `starts_document` (write_document is head + this + tail).
// `line_start`, when given, is called before each user's JSON, after its separator: where a page
// index entry points (results/results_index.hpp).
SegmentTotals write_document_users(std::vector<PendingSource> sources, const std::function<void(std::string_view)>& write,
                                   bool starts_document, const std::string& what, const std::function<void()>& line_start = {});
// The bytes write_document_users writes for users whose JSON objects have `json_bytes` bytes.
inline std::uint64_t document_users_bytes(std::uint64_t users, std::uint64_t json_bytes, bool starts_document) {
  return users == 0 ? 0 : json_bytes + 2 * users - (starts_document ? 1 : 0);
}

// The pieces of the same bytes, for streaming writers.
std::string document_head(const JobSpec& job);
inline std::string_view document_separator(bool first_user) { return first_user ? "\n" : ",\n"; }
inline std::string_view document_tail(bool no_users) { return no_users ? "]}\n" : "\n]}\n"; }

}  // namespace finseg
