// Checkpoints of an interrupted run: the partial states of the shards that were finished, one
// file per shard, so a rerun at any rank count resumes (it skips those shards and combines their
// saved partials through the same SegmentPartial::combine()). Layout:
//   RESULTS/.checkpoint/<run key>/run.json          what the run was (for people; not read back)
//   RESULTS/.checkpoint/<run key>/shard-<index>.bin  cereal: run key, shard, its checksum, one partial per job
// The run key binds a checkpoint to the exact run: the store's checksum, every shard's checksum,
// the jobIds and the validated jobs. A different run never sees it. Each file is written
// atomically (aside, fsynced, renamed), so a file is either complete or absent.
#pragma once

#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"
#include "io/store.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace finseg {

class Checkpoint {
 public:
  static std::string run_key(const std::string& store_checksum, const std::vector<ShardInfo>& shards,
                             const std::vector<std::string>& job_ids, const std::vector<JobSpec>& jobs);

  Checkpoint(const std::filesystem::path& results, std::string run_key);

  struct Resumed {
    std::vector<int> shards;                 // shard indices whose partials were loaded
    std::vector<SegmentPartial> partials;    // their partials, combined, one per job
  };
  // Loads every valid shard file of this run. A file that does not belong (other key, shard
  // checksum, job count) or cannot be read is reported on stderr and skipped: its shard is recomputed.
  Resumed load(const std::vector<ShardInfo>& shards, std::size_t jobs) const;
  // Saves one finished shard's partials (one per job). Throws IoError.
  void save(int shard, const ShardInfo& info, const std::vector<SegmentPartial>& partials) const;
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
