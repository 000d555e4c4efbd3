// finseg report: the quarterly HTML report of finished jobs. Rank 0 reads the jobs' manifests and
// document heads; every rank streams its share of each document's users (a byte range, one user
// in memory at a time) into the jobs' figures; rank 0 merges them in rank order (exact integer
// merges: the page is byte-identical at any rank count) and writes the page atomically.
#include "app/args.hpp"
#include "parallel/on_every_rank.hpp"
#include "app/commands.hpp"
#include "core/segments/request.hpp"
#include "io/atomic_file.hpp"
#include "results/results_dir.hpp"
#include "results/results_reader.hpp"
#include "parallel/wire.hpp"
#include "report/report_page.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <tuple>
#include <utility>

namespace finseg {

namespace {

// One job as every rank needs it: where its document is, and the figures' empty shape.
struct PlannedJob {
  std::string document;
  DocumentHead head;
  JobFigures empty;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(document, head.kind, head.duration_in_month, head.creation_date, head.users_begin, head.users_end, empty);
  }
};

// A document that is not finseg's is bad input to the report (exit 3, docs/report.md), where the
// reader's DocumentError is an I/O error (exit 6, as `finseg diff` documents it).
template <class Body>
auto as_input_error(Body&& body) {
  try {
    return body();
  } catch (const DocumentError& e) {
    throw InputError(e.what());
  }
}

DocumentHead checked_head(const std::string& document, DocumentKind kind) {
  return as_input_error([&] { return read_document_head(document, kind); });
}

std::vector<std::string> strings_of(const nlohmann::json& request, const char* key) {
  std::vector<std::string> out;
  if (request.contains(key))
    for (const auto& v : request.at(key)) out.push_back(v.get<std::string>());
  return out;
}

// "accountType checking · durationInMonth 3 · threshold -100": the request for a reader. The
// callbackURL is left out: it names a client's endpoint, nothing an analyst needs.
std::string request_text(const nlohmann::json& request) {
  std::string out;
  for (const auto& [key, value] : request.items()) {
    if (key == "callbackURL") continue;
    std::string shown;
    if (value.is_string()) shown = value.get<std::string>();
    else if (value.is_array())
      for (const auto& item : value) shown += (shown.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
    else shown = value.dump();
    out += (out.empty() ? "" : " · ") + key + " " + shown;
  }
  return out;
}

// The manifest of the finished job `id`. Errors as `finseg get`.
nlohmann::json done_manifest(const ResultsDir& results, const std::string& id) {
  switch (results.state(id)) {
    case ResultsDir::State::done: break;
    case ResultsDir::State::pending: throw Error(ExitCode::not_ready, "job " + id + " is not done yet (queued or running)");
    case ResultsDir::State::failed: {
      std::string why = "unknown error";
      try {
        why = nlohmann::json::parse(results.read_manifest(id)).value("error", why);
      } catch (const std::exception&) {  // the job failed either way; its manifest only says why
      }
      throw Error(ExitCode::job_failed, "job " + id + " failed, it has no result: " + why);
    }
    case ResultsDir::State::not_found: throw Error(ExitCode::not_found, "no job " + id + " in " + results.dir().string());
  }
  const std::filesystem::path manifest_file = results.job_dir(id) / "manifest.json";
  try {
    nlohmann::json manifest = nlohmann::json::parse(read_file(manifest_file));
    if (!parse_segment(manifest.at("segment").get<std::string>())) throw std::runtime_error("unknown segment");
    return manifest;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(manifest_file.string() + ": " + e.what());
  } catch (const std::runtime_error& e) {
    throw InputError(manifest_file.string() + ": " + e.what());
  }
}

// A finished segment job: its manifest's request and the head of its document.
ReportJob read_job(const ResultsDir& results, const std::string& id, const nlohmann::json& manifest, PlannedJob& planned) {
  const std::optional<Segment> segment = parse_segment(manifest.at("segment").get<std::string>());
  planned.document = (results.job_dir(id) / "result.json").string();
  planned.head = checked_head(planned.document, DocumentKind::result);
  const Day creation = parse_date(planned.head.creation_date).value_or(0);
  if (creation == 0) throw InputError(planned.document + ": creationDate '" + planned.head.creation_date + "' is not a date");

  ReportJob job;
  job.job_id = id;
  const nlohmann::json request = manifest.value("request", nlohmann::json::object());
  nlohmann::json shown = request;
  shown.erase("callbackURL");
  job.request_json = shown.dump();
  job.request_text = request_text(request);
  job.creation_date = planned.head.creation_date;
  // The window from the document itself (durationInMonth, creationDate), as the run computed it.
  JobSpec spec;
  spec.request.segment = *segment;
  spec.request.duration_in_month = planned.head.duration_in_month;
  spec.creation_date = creation;
  const JobPeriod period = job_period(spec);
  job.window_from = format_date(period.first_day);
  job.window_to = format_date(period.last_day);
  job.window_months = period.months;
  std::vector<std::string> months;
  if (*segment == Segment::financialBreakdown)
    for (MonthNumber m = month_of(period.first_day); m <= month_of(period.last_day); ++m) months.push_back(format_month(m));
  job.expected_insurance_types = strings_of(request, "expectedInsuranceTypes");
  planned.empty = JobFigures(*segment, std::move(months), strings_of(request, "labelGroups"));
  return job;
}

std::uint64_t document_count(const DocumentHead& head, const std::string& document, const char* key) {
  const JsonValue* v = head.fields.find("counts")->find(key);
  std::uint64_t n = 0;
  const char* end = v && v->kind == JsonValue::Kind::number ? v->text.data() + v->text.size() : nullptr;
  if (!end || std::from_chars(v->text.data(), end, n).ptr != end)
    throw InputError(document + ": counts." + key + " is not a count");
  return n;
}

// A changes document of `finseg diff` (manifest kind "changes"): its head and its counts.
ReportChanges read_changes(const ResultsDir& results, const std::string& id, const nlohmann::json& manifest, PlannedJob& planned) {
  planned.document = (results.job_dir(id) / "result.json").string();
  planned.head = checked_head(planned.document, DocumentKind::changes);
  ReportChanges c;
  c.job_id = id;
  c.segment = manifest.at("segment").get<std::string>();
  const JsonValue& f = planned.head.fields;
  for (auto [key, to] : {std::pair{"oldJobId", &c.old_job_id}, {"newJobId", &c.new_job_id}, {"oldCreationDate", &c.old_creation},
                         {"newCreationDate", &c.new_creation}}) {
    const JsonValue* v = f.find(key);
    if (!v || v->kind != JsonValue::Kind::string) throw InputError(planned.document + ": no " + key + " in the first line");
    *to = v->text;
  }
  c.request_text = request_text(manifest.value("request", nlohmann::json::object()));
  ReportChanges::Counts& n = c.counts;
  for (auto [key, to] : {std::pair{"oldUsers", &n.old_users}, {"newUsers", &n.new_users}, {"entered", &n.entered}, {"left", &n.left},
                         {"changed", &n.changed}, {"unchanged", &n.unchanged}})
    *to = document_count(planned.head, planned.document, key);
  return c;
}

// The users recounted must be what the document's counts say, or the document was damaged.
void check_counts(const ReportChanges& c, const std::string& document) {
  const ChangeFigures& f = c.figures;
  const ReportChanges::Counts& n = c.counts;
  for (auto [key, said, recount] : {std::tuple{"entered", n.entered, f.entered}, {"left", n.left, f.left}, {"changed", n.changed, f.changed}}) {
    if (said != recount)
      throw InputError(document + ": counts." + key + " is " + std::to_string(said) + " but " + std::to_string(recount) +
                       " users are listed as " + key + " (damaged?)");
  }
  if (n.old_users != n.left + n.changed + n.unchanged || n.new_users != n.entered + n.changed + n.unchanged)
    throw InputError(document + ": counts.oldUsers / newUsers do not add up to left, entered, changed and unchanged");
}

// Every rank: its byte range of every document (so every rank works on every job).
template <class Figures>
std::vector<Figures> scan_part(const Communicator& comm, const std::vector<PlannedJob>& plan, const std::vector<Figures>& empty) {
  std::vector<Figures> mine;
  for (std::size_t j = 0; j < plan.size(); ++j) {
    Figures figures = empty[j];
    const auto [begin, end] = user_bytes_of_part(plan[j].head, comm.rank(), comm.size());
    as_input_error([&] {
      scan_users(plan[j].document, plan[j].head, begin, end, [&](const JsonValue& user, const std::string& where) { figures.add_user(user, where); });
    });
    mine.push_back(std::move(figures));
  }
  return mine;
}

}  // namespace

const CommandSpec& report_spec() {
  static const CommandSpec spec{
      "report", "one self-contained HTML page (SVG charts, no script) of finished jobs",
      "Segment sizes and distributions, and the entered / left / changed counts of changes jobIds\n"
      "(finseg diff) among them; under mpirun the documents are split across the ranks.",
      "JOBID [JOBID ...]",
      {option("results", "DIR", "the results folder").required(),
       option("out", "FILE.html", "the page to write (atomically)").required(),
       option("title", "T", "the page's title").default_is("finseg report: financial segments")}};
  return spec;
}

int cmd_report(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, report_spec());
  const std::filesystem::path results_path = args.require("results");
  const std::filesystem::path out = args.require("out");
  const auto& ids = args.positional();
  if (ids.empty()) throw UsageError("report needs at least one JOBID");

  ReportPage page;
  page.title = args.get("title").value_or("finseg report: financial segments");
  std::vector<ReportChanges> changes;
  std::vector<PlannedJob> plan, changes_plan;  // segment results; changes documents (manifest kind "changes")
  on_every_rank(comm, [&] {
    if (!comm.is_root()) return;
    if (!std::filesystem::is_directory(results_path)) throw IoError("no results folder " + results_path.string());
    const ResultsDir results(results_path);
    for (const auto& id : ids) {
      if (!ResultsDir::valid_job_id(id)) throw UsageError("'" + id + "' is not a jobId");
      const nlohmann::json manifest = done_manifest(results, id);
      if (manifest.value("kind", "") == "changes") {
        changes.push_back(read_changes(results, id, manifest, changes_plan.emplace_back()));
      } else {
        page.jobs.push_back(read_job(results, id, manifest, plan.emplace_back()));
      }
    }
  });
  std::tie(plan, changes_plan) = from_bytes<std::pair<std::vector<PlannedJob>, std::vector<PlannedJob>>>(
      comm.broadcast(comm.is_root() ? to_bytes(std::pair{plan, changes_plan}) : std::string(), 0));

  std::pair<std::vector<JobFigures>, std::vector<ChangeFigures>> mine;
  on_every_rank(comm, [&] {
    std::vector<JobFigures> empty;
    for (const PlannedJob& job : plan) empty.push_back(job.empty);
    mine.first = scan_part(comm, plan, empty);
    mine.second = scan_part(comm, changes_plan, std::vector<ChangeFigures>(changes_plan.size()));
  });
  const auto parts = comm.gather(to_bytes(mine), 0);
  on_every_rank(comm, [&] {
    if (!comm.is_root()) return;
    for (std::size_t j = 0; j < plan.size(); ++j) page.jobs[j].figures = plan[j].empty;
    for (const auto& bytes : parts) {
      const auto [figures, change_figures] = from_bytes<decltype(mine)>(bytes);
      for (std::size_t j = 0; j < figures.size(); ++j) page.jobs[j].figures.combine(figures[j]);
      for (std::size_t j = 0; j < change_figures.size(); ++j) changes[j].figures.combine(change_figures[j]);
    }
    for (std::size_t j = 0; j < changes.size(); ++j) check_counts(changes[j], changes_plan[j].document);
    if (!changes.empty()) page.sections.push_back(changes_section(changes));
    const std::string html = render_report(page);
    write_file_atomic(out, html);
    std::uint64_t users = 0;
    for (const auto& job : page.jobs) users += job.figures.users();
    std::fprintf(stderr, "finseg report: %zu jobs, %llu users, %zu changes, %d ranks: wrote %s (%zu KB)\n", page.jobs.size(),
                 static_cast<unsigned long long>(users), changes.size(), comm.size(), out.c_str(), html.size() / 1024);
  });
  return 0;
}

}  // namespace finseg
