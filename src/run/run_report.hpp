// What a run tells about itself: job manifests (pending, done, failed), progress lines, and the
// per-phase summary with peak memory per rank.
#pragma once

#include "parallel/shard_scheduler.hpp"
#include "results/job_file.hpp"
#include "results/partial_file.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace finseg {

// A rank's merge by step, wall seconds (docs/performance.md 2.4.2): planning it (every partial
// file's header) and creating the files it starts; merging and writing its documents, of which
// in the kernel reading the partial files, writing and handing bytes to the disk (IoTimes); the
// fsync at its end. What the merge took beyond them is waiting for the other ranks.
struct MergeSteps {
  double plan = 0, write = 0, read_calls = 0, write_calls = 0, writeback = 0, fsync = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(plan, write, read_calls, write_calls, writeback, fsync);
  }
};

// One rank's part of a run; gathered to rank 0 (cereal).
struct RankReport {
  double read = 0, compute = 0, spill = 0;  // scan: reading shards, computing, writing partial files
  double scan_wait = 0;                     // idle at the end of the scan: its last shard done, the others' not
  double merge = 0;                         // merging partial files into the documents it writes
  double merge_cpu = 0;                     // the CPU time of it (the rest is waiting: disk, other ranks)
  MergeSteps merge_steps;
  std::uint64_t shards = 0, rows = 0;
  long peak_rss_kib = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(read, compute, spill, scan_wait, merge, merge_cpu, merge_steps, shards, rows, peak_rss_kib);
  }
};

struct RunReport {
  std::string store;
  std::string store_checksum;
  int ranks = 1;
  double plan = 0, merge = 0, write = 0, total = 0;  // seconds; merge: wall time of the merge phase
  std::vector<RankReport> per_rank;
};

long peak_rss_kib();
std::string utc_now();  // 2026-12-01T14:00:00Z, for manifests

// DIR/<jobId>.pending.json while queued or running, or after a failed run (status "failed").
std::string pending_manifest_json(const std::string& job_id, const std::string& file, const ParsedJob& job,
                                  const std::string& status, const std::string& error);
// DIR/<jobId>/manifest.json of a finished job; merge_seconds: merging and writing its document.
std::string job_manifest_json(const std::string& job_id, const std::string& file, const ParsedJob& job,
                              const SegmentTotals& result, const RunReport& report, double merge_seconds);
// After a failed run: every job of it is marked failed (no result is committed; a rerun with
// the same jobId may complete it).
void mark_failed(const std::filesystem::path& results, const std::vector<std::string>& files,
                 const std::vector<ParsedJob>& parsed, const std::vector<std::string>& ids,
                 const std::vector<bool>& already_done, const std::string& error);

// After an interrupted run: every job of it is marked "interrupted" (finseg get: not ready); a
// rerun with the same jobIds resumes from the checkpoint.
void mark_interrupted(const std::filesystem::path& results, const std::vector<std::string>& files,
                      const std::vector<ParsedJob>& parsed, const std::vector<std::string>& ids,
                      const std::vector<bool>& already_done, const std::string& note);
// RESULTS/.checkpoint/<key>/run.json: what a checkpoint belongs to, for an operator.
// `shards`: the store's shard count, so the service can say how far a running job is (GET while running).
std::string checkpoint_note_json(const std::string& run_key, const std::string& store, const std::string& store_checksum,
                                 const std::vector<std::string>& job_ids, std::size_t shards);

// "window 2026-07-01 .. 2026-09-30 (3 complete months before creationDate 2026-10-01)", or for
// highBalance "balance at the end of 2026-09-30 (creationDate)".
std::string describe_period(const JobSpec& job);

void print_progress(const ShardScheduler& scheduler, std::uint64_t own_rows, std::uint64_t total_rows, double elapsed);
void print_summary(const RunReport& report, std::size_t jobs);

}  // namespace finseg
