// The checkpoint folders of a results folder, RESULTS/.checkpoint/<run key>/ (run/checkpoint.hpp),
// as cleaning needs them: which jobIds and store each belongs to (its run.json, written when the
// run starts), and their removal when no live run owns them (results/job_lock.hpp).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace finseg {

struct CheckpointFolder {
  std::filesystem::path dir;
  bool described = false;              // run.json was readable
  std::vector<std::string> job_ids;    // from run.json
  std::string store_checksum;          // from run.json
  std::size_t shards = 0;              // from run.json: the store's shard count (0: not recorded)
};

std::vector<CheckpointFolder> list_checkpoints(const std::filesystem::path& results);

// Whether a live run owns the checkpoint (holds the lock of one of its jobIds).
bool checkpoint_in_use(const std::filesystem::path& results, const CheckpointFolder& checkpoint);

// How far the run of `job_id` is: shards finished (its shard-*.part files) of the store's shards,
// or nothing when no checkpoint of it is there yet (the run has not started its shards).
struct CheckpointProgress {
  std::size_t done = 0, total = 0;
};
std::optional<CheckpointProgress> checkpoint_progress(const std::filesystem::path& results, const std::string& job_id);

// Removes every checkpoint that holds `job_id` and that no live run owns; returns how many.
std::size_t remove_checkpoints_of(const std::filesystem::path& results, const std::string& job_id);

}  // namespace finseg
