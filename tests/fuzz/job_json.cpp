// libFuzzer target: the JSON parser (src/results/json_value.cpp) and the job/request validation
// (src/results/job_file.cpp) that `finseg run` applies to job files and `finseg serve` to POST bodies.
// First byte: 0-5 a job file (parse_job_text), 6-255 the body of a POST /segments/{segment}
// (parse_json + parse_request of segment byte % 5), as segments_api.cpp does.
// Beyond "no crash": whatever parses is written back by to_json_text (which the job manifest
// echoes) as JSON that parses again to the same text.
#include "core/date.hpp"
#include "core/errors.hpp"
#include "results/job_file.hpp"
#include "results/json_value.hpp"
#include "io/taxonomy_file.hpp"

#include "fuzz_support.hpp"

namespace {

using namespace finseg;

// Up to 1 MiB, far deeper than the parser's nesting limit of 64 (issue 16 item 3), so the limit
// itself is fuzzed; the seed `deep-nesting` is 2,000 nested '[' (e2e/http_hostile.sh posts 400,000).
constexpr std::size_t kMaxInput = 1 << 20;

const Taxonomy& taxonomy() {
  static const Taxonomy t = load_default_taxonomy();
  return t;
}

void check_written_back(const JsonValue& v) {
  const std::string text = to_json_text(v);
  JsonValue again;
  try {
    again = parse_json(text);
  } catch (const JsonParseError&) {
    fuzz::broken("to_json_text wrote text that is not JSON");
  }
  if (to_json_text(again) != text) fuzz::broken("to_json_text of the reparsed text differs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > kMaxInput) return -1;  // -1: not added to the corpus
  const std::string text(fuzz::as_text(data + 1, size - 1));
  if (data[0] < 6) {
    try {
      const ParsedJob job = parse_job_text(text, "fuzz.json", taxonomy(), parse_date("2024-04-10"));
      check_written_back(parse_json(job.request_json));
    } catch (const JobError&) {
    }
    return 0;
  }
  JsonValue body;
  try {
    body = parse_json(text);
  } catch (const JsonParseError&) {
    return 0;
  }
  check_written_back(body);
  try {
    parse_request(static_cast<Segment>(data[0] % 5), body, taxonomy(), "request body");
  } catch (const JobError&) {
  }
  return 0;
}
