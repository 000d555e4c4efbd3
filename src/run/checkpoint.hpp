// The finished shards of a run: every rank writes each shard it finishes as a partial file (the
// partial state of every job, results/partial_file.hpp), and the documents are merged from these
// files at the end. The same files are the checkpoint of an interrupted run: a rerun at any rank
// count skips the shards whose files are there. Layout:
//   RESULTS/.checkpoint/<run key>/run.json             what the run was (for people; not read back)
//   RESULTS/.checkpoint/<run key>/shard-<index>.part   one finished shard
// The run key binds the files to the exact run: the store's checksum, every shard's checksum,
// the jobIds and the validated jobs. A different run never sees them. Each file is written
// atomically (aside, renamed; not fsynced), so a file is either complete or absent, and it
// carries a CRC that a resuming run checks. The folder is removed once the run's results are committed.
#pragma once

#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"
#include "results/partial_file.hpp"
#include "store/store.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace finseg {

class Checkpoint {
 public:
  static std::string run_key(const std::string& store_checksum, const std::vector<ShardInfo>& shards,
                             const std::vector<std::string>& job_ids, const std::vector<JobSpec>& jobs);

  Checkpoint(const std::filesystem::path& results, std::string run_key);

  // The shards whose files are complete and belong to this run (checked whole: CRC, run key,
  // shard checksum, job count), in increasing order. Any other file is reported on stderr and
  // its shard is recomputed (its file replaced).
  std::vector<int> load(const std::vector<ShardInfo>& shards, std::size_t jobs) const;
  // Saves one finished shard's partials (one per job). Throws IoError.
  void save(int shard, const ShardInfo& info, const std::vector<SegmentPartial>& partials) const;
  // The headers of every shard's file, for the merge. Throws IoError when one is missing or
  // does not belong to this run.
  std::vector<PartialFileRef> finished_files(const std::vector<ShardInfo>& shards, std::size_t jobs) const;
  std::filesystem::path shard_file(int shard) const;
  // run.json: a human-readable note of what this checkpoint belongs to.
  void describe(const std::string& json) const;
  // After the run committed its results: the checkpoint is no longer needed.
  void remove() const noexcept;

  const std::filesystem::path& dir() const noexcept { return dir_; }
  const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
  std::filesystem::path dir_;
};

}  // namespace finseg
