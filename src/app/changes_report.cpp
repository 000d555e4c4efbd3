#include "app/changes_report.hpp"

#include "run/run_report.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>

#ifndef FINSEG_VERSION
#define FINSEG_VERSION "unknown"
#endif

namespace finseg {

namespace {

nlohmann::json changes_header(const std::string& job_id, const ChangesPair& pair, const ChangeRules& rules, const std::string& status) {
  nlohmann::json m;
  m["jobId"] = job_id;
  m["kind"] = "changes";
  m["segment"] = std::string(to_string(pair.segment));
  m["request"] = nlohmann::json::parse(pair.request_json);
  m["oldJobId"] = pair.old_id;
  m["newJobId"] = pair.new_id;
  m["oldCreationDate"] = pair.old_creation;
  m["creationDate"] = pair.new_creation;
  m["rules"] = nlohmann::json::parse(rules.json());
  m["status"] = status;
  m["version"] = std::string("finseg ") + FINSEG_VERSION;
  return m;
}

}  // namespace

std::string changes_pending_manifest_json(const std::string& job_id, const ChangesPair& pair, const ChangeRules& rules,
                                          const std::string& status, const std::string& error) {
  nlohmann::json m = changes_header(job_id, pair, rules, status);
  m["updated"] = utc_now();
  if (!error.empty()) m["error"] = error;
  return m.dump(2) + "\n";
}

std::string changes_manifest_json(const std::string& job_id, const ChangesPair& pair, const ChangeRules& rules,
                                  const ChangeCounts& counts, const std::vector<RankDiff>& per_rank, double total_seconds) {
  nlohmann::json m = changes_header(job_id, pair, rules, "done");
  m["finished"] = utc_now();
  m["ranks"] = per_rank.size();
  m["counts"] = nlohmann::json::parse(counts_json(counts));
  double slowest = 0;
  nlohmann::json ranks = nlohmann::json::array();
  for (const auto& r : per_rank) {
    slowest = std::max(slowest, r.seconds);
    ranks.push_back({{"seconds", r.seconds}, {"peakRssKiB", r.peak_rss_kib}});
  }
  m["timingsSeconds"] = {{"diff", slowest}, {"total", total_seconds}};
  m["perRank"] = ranks;
  return m.dump(2) + "\n";
}

void write_changes_of_run(const std::filesystem::path& results_path, const std::vector<std::string>& ids,
                          const std::vector<ParsedJob>& parsed) {
  const ResultsDir results(results_path);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (parsed[i].previous_job_id.empty()) continue;
    const std::string id = changes_job_id_of(ids[i]);
    if (results.state(id) == ResultsDir::State::done) continue;
    const auto start = std::chrono::steady_clock::now();
    const ChangesPair pair = load_changes_pair(results, parsed[i].previous_job_id, ids[i]);
    const ChangeRules rules(pair.segment, {}, pair.label_groups, "rules");
    const std::string tag = ResultsDir::new_job_id();
    try {
      results.mark_pending(id, changes_pending_manifest_json(id, pair, rules, "running", ""));
      const auto staged = results.stage(id, tag);
      RankDiff self;
      self.counts = write_changes_serial(pair, rules, staged / "result.json");
      self.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      self.peak_rss_kib = peak_rss_kib();
      results.commit_staged(id, tag, changes_manifest_json(id, pair, rules, self.counts, {self}, self.seconds));
      std::fprintf(stderr, "finseg run: job %s: changes since %s: %s\n", ids[i].c_str(), pair.old_id.c_str(), id.c_str());
    } catch (const Error& e) {
      results.discard_staged(id, tag);
      results.mark_pending(id, changes_pending_manifest_json(id, pair, rules, "failed", e.what()));
      throw;
    }
  }
}

}  // namespace finseg
