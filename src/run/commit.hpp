// Commit, the run's last phase (rank 0): a job's result becomes visible all at once. Each staged
// job folder (results/results_dir.hpp: its document and page index written, a byte range per
// rank, and fsynced by the merge) gets its manifest and is renamed into place; nothing of a job is
// visible before the rename, and a job folder is its whole result or absent.
#pragma once

#include "results/results_dir.hpp"

#include <functional>
#include <string>
#include <vector>

namespace finseg {

// Commits the staged folders (tag `stage_tag`) of `job_ids` in order; `manifest_of(i)` is the
// manifest of job_ids[i]. On any error every staged folder
// of the list is discarded and the error rethrown.
void commit_staged_jobs(const ResultsDir& results, const std::string& stage_tag, const std::vector<std::string>& job_ids,
                        const std::function<std::string(std::size_t)>& manifest_of);

}  // namespace finseg
