#include "results/results_checkpoints.hpp"

#include "io/atomic_file.hpp"
#include "results/job_lock.hpp"
#include "results/results_dir.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace finseg {

std::vector<CheckpointFolder> list_checkpoints(const std::filesystem::path& results) {
  std::vector<CheckpointFolder> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(results / ".checkpoint", ec)) {
    if (!entry.is_directory(ec)) continue;
    CheckpointFolder c;
    c.dir = entry.path();
    try {
      const auto note = nlohmann::json::parse(read_file(c.dir / "run.json"));
      c.job_ids = note.at("jobIds").get<std::vector<std::string>>();
      // Names of lock files: never a path out of the results folder, whatever the file says.
      if (!std::all_of(c.job_ids.begin(), c.job_ids.end(), ResultsDir::valid_job_id)) throw std::invalid_argument("jobIds");
      c.store_checksum = note.value("storeChecksum", "");
      c.shards = note.value("shards", std::size_t{0});
      c.described = true;
    } catch (const std::exception&) {
      c.job_ids.clear();
      // No or a torn run.json: a checkpoint of a run killed before it wrote one (or older finseg).
    }
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.dir < b.dir; });
  return out;
}

bool checkpoint_in_use(const std::filesystem::path& results, const CheckpointFolder& checkpoint) {
  return std::any_of(checkpoint.job_ids.begin(), checkpoint.job_ids.end(),
                     [&](const std::string& id) { return JobLock::held(results, id); });
}

// A directory listing of one folder: cheap next to a run over the store, and no file is read.
std::optional<CheckpointProgress> checkpoint_progress(const std::filesystem::path& results, const std::string& job_id) {
  for (const auto& c : list_checkpoints(results)) {
    if (std::find(c.job_ids.begin(), c.job_ids.end(), job_id) == c.job_ids.end()) continue;
    CheckpointProgress p;
    p.total = c.shards;
    std::error_code ec;
    // A shard scanned in parts (run/segment_scan.hpp, split units) has a file per part
    // (shard-NNNNN.users-B-E.part): a shard counts once, from its first file on.
    std::set<std::string> shards;
    for (const auto& entry : std::filesystem::directory_iterator(c.dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("shard-", 0) == 0 && name.size() > 11 && name.compare(name.size() - 5, 5, ".part") == 0)
        shards.insert(name.substr(0, 11));
    }
    p.done = shards.size();
    return p;
  }
  return std::nullopt;
}

std::size_t remove_checkpoints_of(const std::filesystem::path& results, const std::string& job_id) {
  std::size_t removed = 0;
  for (const auto& c : list_checkpoints(results)) {
    if (std::find(c.job_ids.begin(), c.job_ids.end(), job_id) == c.job_ids.end() || checkpoint_in_use(results, c)) continue;
    std::error_code ec;
    if (std::filesystem::remove_all(c.dir, ec) > 0 && !ec) ++removed;
  }
  return removed;
}

}  // namespace finseg
