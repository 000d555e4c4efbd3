// The manifests of changes documents (finseg diff, and the changes a run writes for a job file's
// previousJobId), and those changes themselves.
#pragma once

#include "results/job_file.hpp"
#include "results/results_diff.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace finseg {

// One rank's part of a diff; gathered to rank 0 (cereal).
struct RankDiff {
  ChangeCounts counts;
  std::uint64_t part_bytes = 0;  // of its part file (ranks > 0)
  double seconds = 0;
  long peak_rss_kib = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(counts, part_bytes, seconds, peak_rss_kib);
  }
};

// DIR/<jobId>.pending.json of a changes job ("running", or "failed" with the error).
std::string changes_pending_manifest_json(const std::string& job_id, const ChangesPair& pair, const ChangeRules& rules,
                                          const std::string& status, const std::string& error);
// DIR/<jobId>/manifest.json of finished changes.
std::string changes_manifest_json(const std::string& job_id, const ChangesPair& pair, const ChangeRules& rules,
                                  const ChangeCounts& counts, const std::vector<RankDiff>& per_rank, double total_seconds);

// After a run committed its results (rank 0): for every job whose job file names a previousJobId,
// the changes since that job under the jobId changes_job_id_of(jobId), in one process (the rules:
// the default). Changes that exist already are kept. Throws the first error after marking it.
void write_changes_of_run(const std::filesystem::path& results, const std::vector<std::string>& ids,
                          const std::vector<ParsedJob>& parsed);

}  // namespace finseg
