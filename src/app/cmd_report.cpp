// finseg report: the quarterly HTML report of finished jobs. Rank 0 reads the jobs' manifests and
// document heads; every rank streams its share of each document's users (a byte range, one user
// in memory at a time) into the jobs' figures; rank 0 merges them in rank order (exact integer
// merges: the page is byte-identical at any rank count) and writes the page atomically.
#include "app/args.hpp"
#include "app/collective.hpp"
#include "app/commands.hpp"
#include "core/segments/request.hpp"
#include "io/atomic_file.hpp"
#include "io/results_dir.hpp"
#include "io/store_cereal.hpp"
#include "report/document_scan.hpp"
#include "report/report_page.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace finseg {

namespace {

// One job as every rank needs it: where its document is, and the figures' empty shape.
struct PlannedJob {
  std::string document;
  DocumentHead head;
  JobFigures empty;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(document, head.duration_in_month, head.creation_date, head.users_begin, head.users_end, empty);
  }
};

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

// The finished job `id`: its manifest's request and the head of its document. Errors as `finseg get`.
ReportJob read_job(const ResultsDir& results, const std::string& id, PlannedJob& planned) {
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
  nlohmann::json manifest;
  std::optional<Segment> segment;
  try {
    manifest = nlohmann::json::parse(read_file(manifest_file));
    segment = parse_segment(manifest.at("segment").get<std::string>());
    if (!segment) throw std::runtime_error("unknown segment");
  } catch (const nlohmann::json::exception& e) {
    throw InputError(manifest_file.string() + ": " + e.what());
  } catch (const std::runtime_error& e) {
    throw InputError(manifest_file.string() + ": " + e.what());
  }
  planned.document = (results.job_dir(id) / "result.json").string();
  planned.head = read_document_head(planned.document);
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

}  // namespace

int cmd_report(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, {"results", "out", "title"}, {});
  const std::filesystem::path results_path = args.require("results");
  const std::filesystem::path out = args.require("out");
  const auto& ids = args.positional();
  if (ids.empty()) throw UsageError("report needs at least one JOBID");

  ReportPage page;
  page.title = args.get("title").value_or("finseg report: financial segments");
  std::vector<PlannedJob> plan;
  on_every_rank(comm, [&] {
    if (!comm.is_root()) return;
    if (!std::filesystem::is_directory(results_path)) throw IoError("no results folder " + results_path.string());
    const ResultsDir results(results_path);
    for (const auto& id : ids) {
      if (!ResultsDir::valid_job_id(id)) throw UsageError("'" + id + "' is not a jobId");
      plan.emplace_back();
      page.jobs.push_back(read_job(results, id, plan.back()));
    }
  });
  plan = from_bytes<std::vector<PlannedJob>>(comm.broadcast(comm.is_root() ? to_bytes(plan) : std::string(), 0));

  // Every rank: its byte range of every document (so every rank works on every job).
  std::vector<JobFigures> mine;
  on_every_rank(comm, [&] {
    for (const PlannedJob& job : plan) {
      JobFigures figures = job.empty;
      const auto [begin, end] = user_bytes_of_part(job.head, comm.rank(), comm.size());
      scan_users(job.document, job.head, begin, end, [&](const JsonValue& user, const std::string& where) { figures.add_user(user, where); });
      mine.push_back(std::move(figures));
    }
  });
  const auto parts = comm.gather(to_bytes(mine), 0);
  on_every_rank(comm, [&] {
    if (!comm.is_root()) return;
    for (std::size_t j = 0; j < plan.size(); ++j) page.jobs[j].figures = plan[j].empty;
    for (const auto& bytes : parts) {
      const auto figures = from_bytes<std::vector<JobFigures>>(bytes);
      for (std::size_t j = 0; j < figures.size(); ++j) page.jobs[j].figures.combine(figures[j]);
    }
    const std::string html = render_report(page);
    write_file_atomic(out, html);
    std::uint64_t users = 0;
    for (const auto& job : page.jobs) users += job.figures.users();
    std::fprintf(stderr, "finseg report: %zu jobs, %llu users, %d ranks: wrote %s (%zu KB)\n", page.jobs.size(),
                 static_cast<unsigned long long>(users), comm.size(), out.c_str(), html.size() / 1024);
  });
  return 0;
}

}  // namespace finseg
