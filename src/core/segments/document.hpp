// The result document of a job (SEGMENTS.md 2): {"durationInMonth":N,"creationDate":"...",
// "users":[...]} with the users of the combined partial in order, one user per line.
// Deterministic bytes: the same partial gives the same document at any rank count.
#pragma once

#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"

#include <string>

namespace finseg {

std::string render_document(const JobSpec& job, const SegmentPartial& all);

}  // namespace finseg
