// The result document of a job (SEGMENTS.md 2): {"durationInMonth":N,"creationDate":"...",
// "users":[...]} with the users of the combined partial in order, one user per line.
// Deterministic bytes: the same partial gives the same document at any rank count.
// The document is head + (separator + user)… + tail, so a writer that streams users from disk
// (results/partial_file.hpp) produces exactly the bytes render_document does.
#pragma once

#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"

#include <string>
#include <string_view>

namespace finseg {

std::string render_document(const JobSpec& job, const SegmentPartial& all);

// The pieces of the same bytes, for streaming writers.
std::string document_head(const JobSpec& job);
inline std::string_view document_separator(bool first_user) { return first_user ? "\n" : ",\n"; }
inline std::string_view document_tail(bool no_users) { return no_users ? "]}\n" : "\n]}\n"; }

}  // namespace finseg
