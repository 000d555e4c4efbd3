// Job files and request bodies (SEGMENTS.md 2 and 3): parsed and validated once, on the
// coordinator, into a JobSpec. Every problem is a JobError naming the source and the field.
#pragma once

#include "core/segments/request.hpp"
#include "core/taxonomy.hpp"
#include "results/json_value.hpp"

#include <optional>
#include <string>

namespace finseg {

// The validated request of one segment from a POST body. `source` prefixes error messages.
SegmentRequest parse_request(Segment segment, const JsonValue& body, const Taxonomy& taxonomy, const std::string& source);

struct ParsedJob {
  JobSpec spec;
  std::string request_json;  // the request as the client wrote it (compact), for the job manifest
  std::string previous_job_id;  // "previousJobId": the run also writes the changes since that job ("": none)
  // No creationDate, and no store yet to take its snapshotDate from (jobs queued before their
  // import, `finseg run --queue --before-import`): spec.creation_date means nothing; the run,
  // which reads the job file again over the imported store, fills it in.
  bool creation_date_later = false;
};

// A job file: {"segment": "...", "request": {...}, "creationDate": "YYYY-MM-DD"} (creationDate
// optional: `default_creation`, the store's snapshotDate), and optionally "previousJobId": an
// earlier job of the same segment and request (docs/changes.md). `date_later`: a missing
// creationDate without a default is not an error but creation_date_later.
ParsedJob parse_job_text(const std::string& text, const std::string& source, const Taxonomy& taxonomy,
                         std::optional<Day> default_creation, bool date_later = false);
ParsedJob parse_job_file(const std::string& path, const Taxonomy& taxonomy, std::optional<Day> default_creation,
                         bool date_later = false);

}  // namespace finseg
