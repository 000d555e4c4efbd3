// The finished shards of a run: every rank writes each shard it finishes as a partial file (the
// partial state of every job, results/partial_file.hpp), and the documents are merged from these
// files at the end. The same files are the checkpoint of an interrupted run: a rerun at any rank
// count skips the shards whose files are there. Layout:
//   RESULTS/.checkpoint/<run key>/run.json             what the run was (for people; not read back)
//   RESULTS/.checkpoint/<run key>/shard-<index>.part   one finished shard
//   RESULTS/.checkpoint/<run key>/shard-<index>.users-<b>-<e>.part
//                                                      users [b, e) of one (a split unit of the
//                                                      scan, run/segment_scan.hpp); the merge
//                                                      takes each as one more disjoint user range
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

// One unit's file as the checkpoint holds it: the shard, its users (a whole shard: {0, its
// users}) and the file with its header. What the merge needs of a file, passed between ranks
// instead of every rank reading every file's header again (run/batch_run.cpp).
struct SavedFile {
  int shard = -1;
  ShardUsers users;
  PartialFileRef ref;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(shard, users.begin, users.end, ref);
  }
};

class Checkpoint {
 public:
  static std::string run_key(const std::string& store_checksum, const std::vector<ShardInfo>& shards,
                             const std::vector<std::string>& job_ids, const std::vector<JobSpec>& jobs);

  Checkpoint(const std::filesystem::path& results, std::string run_key);

  // The shards whose files are complete and belong to this run (checked whole: CRC, run key,
  // shard checksum, job count), in increasing order: its whole file, or files of parts that tile
  // its users exactly. Any other file is reported on stderr and its shard is recomputed. Leaves
  // for each shard either its whole file or its parts (a shard recomputed has neither: parts
  // that do not cover it are removed, as the rerun may split it otherwise), so the merge never
  // sees a user twice.
  std::vector<int> load(const std::vector<ShardInfo>& shards, std::size_t jobs) const;
  // Saves one finished unit's partials (one per job): a whole shard, or its users `users` (a split
  // unit: a file of its own). Returns the file with the header it wrote. Throws IoError.
  SavedFile save(int shard, ShardUsers users, const ShardInfo& info, const std::vector<SegmentPartial>& partials) const;
  SavedFile save(int shard, const ShardInfo& info, const std::vector<SegmentPartial>& partials) const {
    return save(shard, ShardUsers{}, info, partials);
  }
  // The headers of every shard's file (or of its parts'), for the merge. Throws IoError when one
  // is missing, the parts do not tile the shard, or a file does not belong to this run.
  std::vector<PartialFileRef> finished_files(const std::vector<ShardInfo>& shards, std::size_t jobs) const;
  // The same for the shards `of` only (e.g. one rank's share of the resumed ones), with their users.
  std::vector<SavedFile> saved_files(const std::vector<ShardInfo>& shards, std::size_t jobs, const std::vector<int>& of) const;
  // finished_files() from the files the ranks saved or read (save(), saved_files()), in its order,
  // without reading a file: each shard's whole file, or else its parts by their first user.
  // Throws IoError naming the shard when one has no file, or files that do not tile its users.
  static std::vector<PartialFileRef> merge_order(std::vector<SavedFile> files, const std::vector<ShardInfo>& shards);
  std::filesystem::path shard_file(int shard) const;
  std::filesystem::path part_file(int shard, ShardUsers users) const;
  // run.json: a human-readable note of what this checkpoint belongs to.
  void describe(const std::string& json) const;
  // After the run committed its results: the checkpoint is no longer needed.
  void remove() const noexcept;

  const std::filesystem::path& dir() const noexcept { return dir_; }
  const std::string& key() const noexcept { return key_; }

 private:
  struct Part {
    ShardUsers users;
    std::filesystem::path file;
  };
  // The parts' files in the folder by shard, each shard's in order of their first user.
  std::vector<std::vector<Part>> parts(std::size_t shards) const;
  // Whether `file` is complete and this run's file of `shard`; reports on stderr why not.
  bool usable(const std::filesystem::path& file, int shard, const std::vector<ShardInfo>& shards, std::size_t jobs) const;

  std::string key_;
  std::filesystem::path dir_;
};

}  // namespace finseg
