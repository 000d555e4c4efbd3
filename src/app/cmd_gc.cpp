#include "app/args.hpp"
#include "app/commands.hpp"
#include "results/job_lock.hpp"
#include "results/results_checkpoints.hpp"
#include "results/results_dir.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <cstdio>

namespace finseg {

namespace {

struct GcReport {
  bool dry_run = false;
  std::size_t removed = 0;
  void remove(const std::filesystem::path& path, const char* why) {
    std::printf("%s %s (%s)\n", dry_run ? "would remove" : "removed", path.c_str(), why);
    if (!dry_run) {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
      if (ec) std::fprintf(stderr, "finseg gc: cannot remove %s: %s\n", path.c_str(), ec.message().c_str());
    }
    ++removed;
  }
};

// Staged document folders of runs that died in their merge: .tmp-<jobId>-<tag>/.
void collect_staged(const ResultsDir& results, GcReport& report) {
  std::error_code ec;
  std::vector<std::filesystem::path> staged;
  for (const auto& entry : std::filesystem::directory_iterator(results.dir(), ec)) staged.push_back(entry.path());
  std::sort(staged.begin(), staged.end());
  for (const auto& path : staged) {
    const auto id = ResultsDir::staged_job_id(path.filename().string());
    if (id && !JobLock::held(results.dir(), *id)) report.remove(path, "staged document of a run that died");
  }
}

// A checkpoint no live run owns is garbage unless a rerun can still resume from it: one of its
// jobs is not finished (queued, running or interrupted) and, with --store, it was made over the
// store as it is now.
void collect_checkpoints(const ResultsDir& results, const std::string& store_checksum, GcReport& report) {
  for (const auto& c : list_checkpoints(results.dir())) {
    if (checkpoint_in_use(results.dir(), c)) continue;
    if (!c.described) {
      report.remove(c.dir, "checkpoint without run.json: no run can be named to resume it");
      continue;
    }
    const bool open = std::any_of(c.job_ids.begin(), c.job_ids.end(),
                                  [&](const std::string& id) { return results.state(id) == ResultsDir::State::pending; });
    if (!open) {
      report.remove(c.dir, "checkpoint of finished, failed or unknown jobs");
    } else if (!store_checksum.empty() && c.store_checksum != store_checksum) {
      report.remove(c.dir, "checkpoint over another version of the store: it can never be resumed");
    } else {
      std::printf("kept    %s (resumable: rerun its jobs with the same --job-id values)\n", c.dir.c_str());
    }
  }
}

// Lock files of jobIds no run holds (remove_if_free takes the lock first: no run can be cut out).
void collect_locks(const ResultsDir& results, GcReport& report) {
  std::error_code ec;
  std::vector<std::string> ids;
  for (const auto& entry : std::filesystem::directory_iterator(results.dir() / ".locks", ec))
    ids.push_back(entry.path().filename().string());
  std::sort(ids.begin(), ids.end());
  for (const auto& id : ids) {
    if (!ResultsDir::valid_job_id(id) || JobLock::held(results.dir(), id)) continue;
    if (report.dry_run) {
      report.remove(JobLock::path(results.dir(), id), "lock file of no live run");
    } else if (JobLock::remove_if_free(results.dir(), id)) {
      std::printf("removed %s (lock file of no live run)\n", JobLock::path(results.dir(), id).c_str());
      ++report.removed;
    }
  }
}

}  // namespace

// Removes what runs and builds that died left behind, and only what no live run owns (their
// jobId locks, results/job_lock.hpp): staged documents, checkpoints nobody can resume, lock files,
// and with --store the temporary folders of killed imports of that store.
const CommandSpec& gc_spec() {
  static const CommandSpec spec{"gc", "remove what killed runs and imports left, never anything a live run owns",
                                "Staged documents, checkpoints nobody can resume, lock files, STORE.tmp-*.", "",
                                {option("results", "DIR", "the results folder").required(),
                                 option("store", "STORE", "also the abandoned builds of this store, and checkpoints of its older versions"),
                                 flag("dry-run", "only print what would be removed")}};
  return spec;
}

int cmd_gc(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, gc_spec());
  if (!comm.is_root()) return 0;
  const std::filesystem::path dir = args.require("results");
  if (!std::filesystem::is_directory(dir)) throw IoError("no results folder " + dir.string());
  const ResultsDir results(dir);
  GcReport report;
  report.dry_run = args.flag("dry-run");
  std::string store_checksum;
  if (const auto store = args.get("store")) {
    store_checksum = read_manifest(*store).store_checksum();
    if (report.dry_run) {
      std::printf("(--dry-run: abandoned builds of %s are only removed without it)\n", store->c_str());
    } else {
      for (const auto& gone : remove_abandoned_builds(*store)) {
        std::printf("removed %s (build of a killed import or generate)\n", gone.c_str());
        ++report.removed;
      }
    }
  }
  collect_staged(results, report);
  collect_checkpoints(results, store_checksum, report);
  collect_locks(results, report);
  std::printf("finseg gc: %zu %s\n", report.removed, report.dry_run ? "to remove" : "removed");
  return 0;
}

}  // namespace finseg
