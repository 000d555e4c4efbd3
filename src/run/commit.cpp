#include "run/commit.hpp"


namespace finseg {

void commit_staged_jobs(const ResultsDir& results, const std::string& stage_tag, const std::vector<std::string>& job_ids,
                        const std::function<std::string(std::size_t)>& manifest_of) {
  try {
    for (std::size_t i = 0; i < job_ids.size(); ++i) {
      results.commit_staged(job_ids[i], stage_tag, manifest_of(i));
    }
  } catch (...) {
    for (const auto& id : job_ids) results.discard_staged(id, stage_tag);
    throw;
  }
}

}  // namespace finseg
