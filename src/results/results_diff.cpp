#include "results/results_diff.hpp"

#include "core/segments/json_text.hpp"
#include "results/results_reader.hpp"
#include "results/results_writer.hpp"

#include <nlohmann/json.hpp>

namespace finseg {

namespace {

// A finished job of the results folder: its manifest, or the error `finseg get` would give.
nlohmann::json done_manifest(const ResultsDir& results, const std::string& id, const char* which) {
  const std::string job = std::string(which) + " job " + id;
  switch (results.state(id)) {
    case ResultsDir::State::not_found: throw Error(ExitCode::not_found, job + ": no such job in " + results.dir().string());
    case ResultsDir::State::pending: throw Error(ExitCode::not_ready, job + ": not ready yet (queued or running)");
    case ResultsDir::State::failed: throw Error(ExitCode::job_failed, job + ": the job failed; it has no result to compare");
    case ResultsDir::State::done: break;
  }
  nlohmann::json m;
  try {
    m = nlohmann::json::parse(results.read_manifest(id));
  } catch (const nlohmann::json::exception& e) {
    throw IoError(job + ": unreadable manifest.json: " + e.what());
  }
  if (m.value("kind", "") == "changes") throw NotComparableError(job + " is a changes document, not a segment result");
  if (!m.contains("segment") || !m["segment"].is_string() || !m.contains("request") || !m["request"].is_object())
    throw IoError(job + ": manifest.json has no segment and request");
  m["request"].erase("callbackURL");  // where to report, not what to compute
  return m;
}

}  // namespace

ChangeCounts& ChangeCounts::operator+=(const ChangeCounts& o) {
  old_users += o.old_users;
  new_users += o.new_users;
  entered += o.entered;
  left += o.left;
  changed += o.changed;
  unchanged += o.unchanged;
  return *this;
}

namespace {

// Two manifests of the same segment and request (callbackURL left out), OLD not later than NEW.
void require_comparable(const nlohmann::json& o, const nlohmann::json& n, const std::string& old_id, const std::string& new_id) {
  if (o["segment"] != n["segment"])
    throw NotComparableError("OLD job " + old_id + " is " + o["segment"].get<std::string>() + ", NEW job " + new_id + " is " +
                             n["segment"].get<std::string>() + ": only results of the same segment can be compared");
  if (o["request"] != n["request"])
    throw NotComparableError("OLD job " + old_id + " and NEW job " + new_id + " have different requests (" + o["request"].dump() +
                             " vs " + n["request"].dump() + "): only results of the same request can be compared");
  const std::string oc = o.value("creationDate", ""), nc = n.value("creationDate", "");
  if (nc < oc)
    throw NotComparableError("OLD job " + old_id + " (creationDate " + oc + ") is later than NEW job " + new_id + " (creationDate " + nc +
                             "): give the older job first");
}

}  // namespace

std::string changes_job_id_of(const std::string& job_id) { return job_id + "-changes"; }

void check_previous_job(const ResultsDir& results, const std::string& old_id, const std::string& new_id, const std::string& segment,
                        const std::string& request_json, const std::string& creation_date) {
  if (old_id == new_id) throw NotComparableError("previousJobId " + old_id + " is the job itself");
  if (!ResultsDir::valid_job_id(changes_job_id_of(new_id)))
    throw UsageError("job " + new_id + ": too long a jobId to name its changes " + changes_job_id_of(new_id) + " (64 characters at most)");
  nlohmann::json n = {{"segment", segment}, {"request", nlohmann::json::parse(request_json)}, {"creationDate", creation_date}};
  n["request"].erase("callbackURL");
  require_comparable(done_manifest(results, old_id, "OLD"), n, old_id, new_id);
}

ChangesPair load_changes_pair(const ResultsDir& results, const std::string& old_id, const std::string& new_id) {
  if (old_id == new_id) throw NotComparableError("OLD and NEW are the same job " + old_id);
  const nlohmann::json o = done_manifest(results, old_id, "OLD"), n = done_manifest(results, new_id, "NEW");
  require_comparable(o, n, old_id, new_id);
  const std::string segment = n["segment"];
  ChangesPair pair;
  pair.old_id = old_id;
  pair.new_id = new_id;
  pair.segment = *parse_segment(segment);
  pair.request_json = n["request"].dump();
  if (n["request"].contains("labelGroups"))
    for (const auto& g : n["request"]["labelGroups"]) pair.label_groups.push_back(g.get<std::string>());
  pair.old_document = results.job_dir(old_id) / "result.json";
  pair.new_document = results.job_dir(new_id) / "result.json";
  const DocumentReader old_doc(pair.old_document), new_doc(pair.new_document);
  pair.old_creation = old_doc.head().creation_date;
  pair.new_creation = new_doc.head().creation_date;
  pair.duration_in_month = new_doc.head().duration_in_month;
  if (old_doc.head().duration_in_month != pair.duration_in_month)
    throw NotComparableError("OLD job " + old_id + " and NEW job " + new_id + " cover windows of different lengths");
  return pair;
}

std::vector<std::optional<std::string>> split_user_ranges(const ChangesPair& pair, int parts) {
  DocumentReader old_doc(pair.old_document), new_doc(pair.new_document);
  DocumentReader& larger = old_doc.size() > new_doc.size() ? old_doc : new_doc;
  std::vector<std::optional<std::string>> bounds{std::string()};
  const std::uint64_t body = larger.body_offset(), bytes = larger.size() - std::min(larger.size(), body);
  for (int r = 1; r < parts; ++r) {
    const auto at = body + static_cast<std::uint64_t>(static_cast<Int128>(bytes) * r / parts);
    std::optional<std::string> b = bounds.back() ? larger.user_at_or_after(at) : std::nullopt;
    if (b && bounds.back() && *b < *bounds.back()) b = bounds.back();  // never backwards
    bounds.push_back(b);
  }
  bounds.emplace_back(std::nullopt);
  return bounds;
}

namespace {

// One change entry: {"userId":...,"status":...[,"changes":[...]][,"old":{...}][,"new":{...}]},
// after `separator`.
void write_entry(DocumentWriter& out, std::string_view separator, const std::string& user, const char* status,
                 const std::string& changes, std::string_view old_json, std::string_view new_json) {
  std::string head(separator);
  head += "{\"userId\":";
  append_json_string(head, user);
  head += ",\"status\":\"";
  head += status;
  head += '"';
  if (!changes.empty()) head += ",\"changes\":" + changes;
  out.write(head);
  if (!old_json.empty()) out.write(",\"old\":"), out.write(old_json);
  if (!new_json.empty()) out.write(",\"new\":"), out.write(new_json);
  out.write("}");
}

bool next_in_range(DocumentReader& r, const std::optional<std::string>& to) {
  return r.next() && (!to || r.user_id() < *to);
}

// The merge pass over one range of both documents. `entries` counts what `out` holds already:
// the first entry gets `first_separator`, every later one ",\n".
ChangeCounts diff_range(const ChangesPair& pair, const ChangeRules& rules, const std::optional<std::string>& from,
                        const std::optional<std::string>& to, DocumentWriter& out, std::uint64_t& entries,
                        std::string_view first_separator) {
  ChangeCounts c;
  if (!from) return c;  // a range past the last user
  DocumentReader a(pair.old_document), b(pair.new_document);
  a.seek_to(*from);
  b.seek_to(*from);
  bool has_a = next_in_range(a, to), has_b = next_in_range(b, to);
  const auto separator = [&] { return entries++ == 0 ? first_separator : std::string_view(",\n"); };
  while (has_a || has_b) {
    if (has_b && (!has_a || b.user_id() < a.user_id())) {
      write_entry(out, separator(), b.user_id(), "entered", "", "", b.user_json());
      ++c.entered;
      has_b = next_in_range(b, to);
      continue;
    }
    if (!has_b || a.user_id() < b.user_id()) {
      write_entry(out, separator(), a.user_id(), "left", "", a.user_json(), "");
      ++c.left;
      has_a = next_in_range(a, to);
      continue;
    }
    std::string changes;
    if (a.user_json() != b.user_json()) {
      try {
        changes = rules.compare(a.user_json(), b.user_json());
      } catch (const IoError& e) {
        throw IoError("user '" + a.user_id() + "' of " + pair.old_document.string() + " / " + pair.new_document.string() + ": " + e.what());
      }
    }
    if (changes.empty()) {
      ++c.unchanged;
    } else {
      write_entry(out, separator(), a.user_id(), "changed", changes, a.user_json(), b.user_json());
      ++c.changed;
    }
    has_a = next_in_range(a, to);
    has_b = next_in_range(b, to);
  }
  c.old_users = c.left + c.changed + c.unchanged;
  c.new_users = c.entered + c.changed + c.unchanged;
  return c;
}

}  // namespace

ChangeCounts write_changes_part(const ChangesPair& pair, const ChangeRules& rules, const std::optional<std::string>& from,
                                const std::optional<std::string>& to, const std::filesystem::path& out) {
  DocumentWriter writer(out);
  std::uint64_t entries = 0;
  const ChangeCounts c = diff_range(pair, rules, from, to, writer, entries, "");
  writer.close(false);
  return c;
}

std::string counts_json(const ChangeCounts& c) {
  return nlohmann::ordered_json({{"oldUsers", c.old_users}, {"newUsers", c.new_users}, {"entered", c.entered}, {"left", c.left},
                                 {"changed", c.changed}, {"unchanged", c.unchanged}})
      .dump();
}

ChangesDocument::ChangesDocument(const ChangesPair& pair, const ChangeRules& rules, const std::filesystem::path& out)
    : pair_(pair), rules_(rules), writer_(std::make_unique<DocumentWriter>(out)) {
  std::string head = "{\"segment\":\"" + std::string(to_string(pair.segment)) + "\",\"oldJobId\":";
  append_json_string(head, pair.old_id);
  head += ",\"newJobId\":";
  append_json_string(head, pair.new_id);
  head += ",\"oldCreationDate\":\"" + pair.old_creation + "\",\"newCreationDate\":\"" + pair.new_creation + "\"";
  head += ",\"durationInMonth\":" + std::to_string(pair.duration_in_month);
  head += ",\"request\":" + pair.request_json + ",\"rules\":" + rules.json() + ",\"users\":[";
  writer_->write(head);
}

ChangesDocument::~ChangesDocument() = default;

ChangeCounts ChangesDocument::add_range(const std::optional<std::string>& from, const std::optional<std::string>& to) {
  return diff_range(pair_, rules_, from, to, *writer_, entries_, "\n");
}

std::vector<ChangesDocument::Placement> ChangesDocument::place_parts(
    const std::vector<std::pair<std::uint64_t, std::uint64_t>>& entries_and_bytes) {
  std::vector<Placement> placements;
  std::uint64_t at = writer_->bytes();
  for (const auto& [entries, bytes] : entries_and_bytes) {
    Placement p;
    if (entries > 0) {
      p.offset = at;
      p.separator = entries_ == 0 ? "\n" : ",\n";
      entries_ += entries;
      at += p.separator.size() + bytes;
    }
    placements.push_back(p);
  }
  writer_->skip_to(at);
  return placements;
}

void ChangesDocument::finish(const ChangeCounts& total) {
  writer_->write(entries_ > 0 ? "\n],\"counts\":" : "],\"counts\":");
  writer_->write(counts_json(total) + "}\n");
  writer_->close();
}

ChangeCounts write_changes_serial(const ChangesPair& pair, const ChangeRules& rules, const std::filesystem::path& out) {
  ChangesDocument doc(pair, rules, out);
  const ChangeCounts counts = doc.add_range(std::string(), std::nullopt);
  doc.finish(counts);
  return counts;
}

}  // namespace finseg
