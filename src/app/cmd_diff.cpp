// finseg diff: the changes between two results of the same segment and request (docs/changes.md).
#include "app/args.hpp"
#include "app/changes_report.hpp"
#include "parallel/on_every_rank.hpp"
#include "app/commands.hpp"
#include "run/run_report.hpp"
#include "io/atomic_file.hpp"
#include "results/results_diff.hpp"
#include "results/results_writer.hpp"
#include "parallel/wire.hpp"

#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <chrono>
#include <memory>
#include <cstdio>

namespace finseg {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// What rank 0 decides and every rank follows.
struct DiffPlan {
  ChangesPair pair;
  std::string job_id, stage_tag;
  std::vector<std::optional<std::string>> bounds;  // ranks + 1: rank r diffs [bounds[r], bounds[r+1])
  bool already_done = false;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(pair, job_id, stage_tag, bounds, already_done);
  }
};


// --threshold JSON (repeatable) and --thresholds FILE (a JSON array), in that order.
std::vector<JsonValue> threshold_rules(const Args& args) {
  std::vector<JsonValue> rules;
  const auto parse = [](const std::string& text, const std::string& what) {
    try {
      return parse_json(text);
    } catch (const JsonParseError& e) {
      throw UsageError(what + ": invalid JSON: " + e.what());
    }
  };
  for (const auto& text : args.all("threshold")) rules.push_back(parse(text, "--threshold"));
  if (const auto file = args.get("thresholds")) {
    const JsonValue all = parse(read_file(*file), "--thresholds " + *file);
    if (all.kind != JsonValue::Kind::array) throw UsageError("--thresholds " + *file + ": must be a JSON array of rules");
    rules.insert(rules.end(), all.items.begin(), all.items.end());
  }
  return rules;
}

DiffPlan plan_diff(const Args& args, const ResultsDir& results, int ranks) {
  const auto& ids = args.positional();
  if (ids.size() != 2) throw UsageError("diff takes two jobIds: OLD_JOBID NEW_JOBID");
  DiffPlan plan;
  plan.job_id = args.get("job-id").value_or(ResultsDir::new_job_id());
  if (!ResultsDir::valid_job_id(plan.job_id)) throw UsageError("--job-id '" + plan.job_id + "': use 1 to 64 characters of A-Z a-z 0-9 - _");
  plan.pair = load_changes_pair(results, ids[0], ids[1]);
  const ChangeRules rules(plan.pair.segment, threshold_rules(args), plan.pair.label_groups, "threshold");
  plan.already_done = results.state(plan.job_id) == ResultsDir::State::done;
  if (plan.already_done) return plan;
  plan.bounds = split_user_ranges(plan.pair, ranks);  // reads both documents: before anything is created
  results.mark_pending(plan.job_id, changes_pending_manifest_json(plan.job_id, plan.pair, rules, "running", ""));
  plan.stage_tag = ResultsDir::new_job_id();
  results.stage(plan.job_id, plan.stage_tag);
  return plan;
}

}  // namespace

const CommandSpec& diff_spec() {
  static const CommandSpec spec{
      "diff", "who entered, left or changed between two results of the same segment and request",
      "Prints the changes' jobId (finseg get); docs/changes.md.", "OLD_JOBID NEW_JOBID",
      {option("results", "DIR", "the results folder").required(),
       option("job-id", "ID", "the changes' jobId").default_is("a new UUID"),
       option("threshold", "RULE", "a change rule (JSON), docs/changes.md").repeatable(),
       option("thresholds", "FILE", "a JSON array of change rules, after those of --threshold")}};
  return spec;
}

int cmd_diff(Communicator& comm, const CommandArgs& argv) {
  const auto start = Clock::now();
  const Args args(argv, diff_spec());
  const std::filesystem::path dir = args.require("results");
  DiffPlan plan;
  on_every_rank(comm, [&] {
    if (!comm.is_root()) return;
    if (!std::filesystem::is_directory(dir)) throw IoError("no results folder " + dir.string());
    plan = plan_diff(args, ResultsDir(dir), comm.size());
    std::printf("%s\n", plan.job_id.c_str());
    std::fflush(stdout);
    if (plan.already_done) std::fprintf(stderr, "finseg diff: job %s has a result already; it is not recomputed\n", plan.job_id.c_str());
  });
  plan = from_bytes<DiffPlan>(comm.broadcast(comm.is_root() ? to_bytes(plan) : std::string(), 0));
  if (plan.already_done) return 0;
  const ResultsDir results(dir);
  const ChangeRules rules(plan.pair.segment, threshold_rules(args), plan.pair.label_groups, "threshold");
  const auto staged = results.staged_dir(plan.job_id, plan.stage_tag);
  const auto part_of = [&](int r) { return staged / ("part-" + std::to_string(r) + ".json"); };
  const auto fail = [&](const std::string& error) {
    if (!comm.is_root()) return;
    results.discard_staged(plan.job_id, plan.stage_tag);
    results.mark_pending(plan.job_id, changes_pending_manifest_json(plan.job_id, plan.pair, rules, "failed", error));
  };

  // Each rank diffs its own userId range: rank 0 right into the document, the others into part
  // files; rank 0 then makes room for the parts, and each rank writes its own into it (pwrite), so
  // no rank copies the others' bytes.
  RankDiff mine;
  std::unique_ptr<ChangesDocument> document;
  ChangeCounts counts;
  std::vector<RankDiff> per_rank;
  try {
    on_every_rank(comm, [&] {
      const auto t = Clock::now();
      const auto r = static_cast<std::size_t>(comm.rank());
      if (comm.is_root()) {
        document = std::make_unique<ChangesDocument>(plan.pair, rules, staged / "result.json");
        mine.counts = document->add_range(plan.bounds[r], plan.bounds[r + 1]);
      } else {
        mine.counts = write_changes_part(plan.pair, rules, plan.bounds[r], plan.bounds[r + 1], part_of(comm.rank()));
        mine.part_bytes = std::filesystem::file_size(part_of(comm.rank()));
      }
      mine.seconds = since(t);
      mine.peak_rss_kib = peak_rss_kib();  // the diff is what needs memory; placing the parts streams
    });
    const auto gathered = comm.gather(to_bytes(mine), 0);
    std::vector<ChangesDocument::Placement> placements;
    on_every_rank(comm, [&] {
      if (!comm.is_root()) return;
      std::vector<std::pair<std::uint64_t, std::uint64_t>> parts;
      for (std::size_t r = 0; r < gathered.size(); ++r) {
        per_rank.push_back(from_bytes<RankDiff>(gathered[r]));
        const ChangeCounts& c = per_rank.back().counts;
        counts += c;
        if (r > 0) parts.emplace_back(c.entered + c.left + c.changed, per_rank.back().part_bytes);
      }
      placements = document->place_parts(parts);
      document->finish(counts);
      document.reset();
    });
    placements = from_bytes<std::vector<ChangesDocument::Placement>>(comm.broadcast(comm.is_root() ? to_bytes(placements) : std::string(), 0));
    on_every_rank(comm, [&] {
      if (comm.is_root()) return;
      const auto& place = placements.at(static_cast<std::size_t>(comm.rank() - 1));
      if (!place.separator.empty()) write_part_at(staged / "result.json", place.offset, place.separator, part_of(comm.rank()));
      std::filesystem::remove(part_of(comm.rank()));
    });
  } catch (const Error& e) {
    document.reset();
    fail(e.what());
    comm.barrier();
    throw;
  }
  if (!comm.is_root()) return 0;

  // Rank 0 commits the folder.
  try {
    results.commit_staged(plan.job_id, plan.stage_tag, changes_manifest_json(plan.job_id, plan.pair, rules, counts, per_rank, since(start)));
    std::fprintf(stderr, "finseg diff: %s: %llu entered, %llu left, %llu changed, %llu unchanged (%.3f s)\n", plan.job_id.c_str(),
                 static_cast<unsigned long long>(counts.entered), static_cast<unsigned long long>(counts.left),
                 static_cast<unsigned long long>(counts.changed), static_cast<unsigned long long>(counts.unchanged), since(start));
  } catch (const Error& e) {
    fail(e.what());
    throw;
  }
  return 0;
}

}  // namespace finseg
