#include "run/run_report.hpp"

#include "results/results_diff.hpp"
#include "results/results_dir.hpp"

#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#ifndef FINSEG_VERSION
#define FINSEG_VERSION "unknown"
#endif

namespace finseg {

namespace {

nlohmann::json job_header(const std::string& job_id, const std::string& file, const ParsedJob& job, const std::string& status) {
  nlohmann::json m;
  m["jobId"] = job_id;
  m["segment"] = std::string(to_string(job.spec.request.segment));
  m["request"] = nlohmann::json::parse(job.request_json);
  // Queued before its import without a creationDate: the store's snapshotDate, once imported.
  if (!job.creation_date_later) {
    m["creationDate"] = format_date(job.spec.creation_date);
    const JobPeriod period = job_period(job.spec);
    m["window"] = {{"from", format_date(period.first_day)}, {"to", format_date(period.last_day)}, {"months", period.months}};
  }
  m["jobFile"] = file;
  if (!job.previous_job_id.empty()) {
    m["previousJobId"] = job.previous_job_id;
    m["changesJobId"] = changes_job_id_of(job_id);
  }
  m["status"] = status;
  m["version"] = std::string("finseg ") + FINSEG_VERSION;
  return m;
}

double max_of(const std::vector<RankReport>& ranks, double RankReport::*field) {
  double m = 0;
  for (const auto& r : ranks) m = std::max(m, r.*field);
  return m;
}

}  // namespace

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

std::string pending_manifest_json(const std::string& job_id, const std::string& file, const ParsedJob& job,
                                  const std::string& status, const std::string& error) {
  nlohmann::json m = job_header(job_id, file, job, status);
  m["updated"] = utc_now();
  if (!error.empty()) m["error"] = error;
  return m.dump(2) + "\n";
}

std::string job_manifest_json(const std::string& job_id, const std::string& file, const ParsedJob& job,
                              const SegmentTotals& result, const RunReport& report, double merge_seconds) {
  nlohmann::json m = job_header(job_id, file, job, "done");
  m["finished"] = utc_now();
  m["store"] = report.store;
  m["storeChecksum"] = report.store_checksum;
  m["ranks"] = report.ranks;
  m["counts"] = {{"users", result.users}, {"entries", result.entries}, {"transactionsScanned", result.transactions_scanned}};
  // Phases are shared by every job of the run (one pass computes them all), except rendering.
  m["timingsSeconds"] = {{"plan", report.plan},
                         {"read", max_of(report.per_rank, &RankReport::read)},
                         {"compute", max_of(report.per_rank, &RankReport::compute)},
                         {"spill", max_of(report.per_rank, &RankReport::spill)},
                         {"merge", report.merge},
                         {"document", merge_seconds}};
  nlohmann::json ranks = nlohmann::json::array();
  for (std::size_t r = 0; r < report.per_rank.size(); ++r) {
    const auto& x = report.per_rank[r];
    ranks.push_back({{"rank", r}, {"shards", x.shards}, {"transactions", x.rows}, {"readSeconds", x.read},
                     {"computeSeconds", x.compute},
                     {"spillSeconds", x.spill}, {"mergeSeconds", x.merge}, {"peakRssMiB", static_cast<double>(x.peak_rss_kib) / 1024.0}});
  }
  m["perRank"] = ranks;
  return m.dump(2) + "\n";
}

void mark_failed(const std::filesystem::path& results_path, const std::vector<std::string>& files,
                 const std::vector<ParsedJob>& parsed, const std::vector<std::string>& ids,
                 const std::vector<bool>& already_done, const std::string& error) {
  try {
    const ResultsDir results(results_path);
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (!already_done[i]) results.mark_pending(ids[i], pending_manifest_json(ids[i], files[i], parsed[i], "failed", error));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finseg run: could not mark the jobs failed: %s\n", e.what());
  }
}

void mark_interrupted(const std::filesystem::path& results_path, const std::vector<std::string>& files,
                      const std::vector<ParsedJob>& parsed, const std::vector<std::string>& ids,
                      const std::vector<bool>& already_done, const std::string& note) {
  try {
    const ResultsDir results(results_path);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (already_done[i]) continue;
      nlohmann::json m = nlohmann::json::parse(pending_manifest_json(ids[i], files[i], parsed[i], "interrupted", ""));
      m["note"] = note;
      results.mark_pending(ids[i], m.dump(2) + "\n");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finseg run: could not mark the jobs interrupted: %s\n", e.what());
  }
}

std::string checkpoint_note_json(const std::string& run_key, const std::string& store, const std::string& store_checksum,
                                 const std::vector<std::string>& job_ids, std::size_t shards) {
  nlohmann::json m;
  m["runKey"] = run_key;
  m["store"] = store;
  m["storeChecksum"] = store_checksum;
  m["jobIds"] = job_ids;
  m["shards"] = shards;
  m["updated"] = utc_now();
  m["version"] = std::string("finseg ") + FINSEG_VERSION;
  return m.dump(2) + "\n";
}

std::string describe_period(const JobSpec& job) {
  const JobPeriod p = job_period(job);
  if (p.months == 0) return "balance at the end of " + format_date(p.last_day) + " (creationDate)";
  return "window " + format_date(p.first_day) + " .. " + format_date(p.last_day) + " (" + std::to_string(p.months) +
         (p.months == 1 ? " complete month" : " complete months") + " before creationDate " + format_date(job.creation_date) + ")";
}

void print_progress(const ShardScheduler& scheduler, std::uint64_t own_rows, std::uint64_t total_rows, double elapsed) {
  const std::uint64_t done = std::max(scheduler.rows_reported(), own_rows);
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double left = rate > 0 && total_rows > done ? static_cast<double>(total_rows - done) / rate : 0;
  std::fprintf(stderr, "finseg run: shards %zu/%zu handed out, %.1fM of %.1fM transactions, %.2fM transactions/s, ~%.0f s left\n",
               scheduler.shards_handed_out(), scheduler.shards_total(), static_cast<double>(done) / 1e6,
               static_cast<double>(total_rows) / 1e6, rate / 1e6, left);
}

void print_summary(const RunReport& r, std::size_t jobs) {
  std::uint64_t rows = 0;
  for (const auto& x : r.per_rank) rows += x.rows;
  std::fprintf(stderr,
               "finseg run: %zu jobs, %llu transactions, %d ranks: plan %.3f s, read %.3f s, compute %.3f s, spill %.3f s, "
               "merge %.3f s, write %.3f s, total %.3f s (%.2fM transactions/s)\n",
               jobs, static_cast<unsigned long long>(rows), r.ranks, r.plan, max_of(r.per_rank, &RankReport::read),
               max_of(r.per_rank, &RankReport::compute), max_of(r.per_rank, &RankReport::spill), r.merge, r.write, r.total,
               r.total > 0 ? static_cast<double>(rows) / r.total / 1e6 : 0.0);
  for (std::size_t k = 0; k < r.per_rank.size(); ++k) {
    const auto& x = r.per_rank[k];
    std::fprintf(stderr, "finseg run:   rank %zu: %llu units (shards or parts of shards), %llu transactions, read %.3f s, compute %.3f s, spill %.3f s, "
                 "idle at the end of the scan %.3f s, merge %.3f s (CPU %.3f s), peak RSS %.1f MiB\n",
                 k, static_cast<unsigned long long>(x.shards), static_cast<unsigned long long>(x.rows), x.read, x.compute,
                 x.spill, x.scan_wait, x.merge, x.merge_cpu,
                 static_cast<double>(x.peak_rss_kib) / 1024.0);
    const MergeSteps& m = x.merge_steps;
    std::fprintf(stderr, "finseg run:     rank %zu merge: plan %.3f s, write %.3f s (in read %.3f s, write %.3f s, writeback %.3f s), "
                 "fsync %.3f s, waiting for the other ranks %.3f s\n",
                 k, m.plan, m.write, m.read_calls, m.write_calls, m.writeback, m.fsync,
                 std::max(0.0, x.merge - m.plan - m.write - m.fsync));
  }
}

}  // namespace finseg
