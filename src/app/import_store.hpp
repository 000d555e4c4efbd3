// `finseg import` on every rank (issue 12): the CSV folder read in parallel with bounded memory
// per rank into a new store, committed atomically by rank 0. See docs/import.md for the phases
// and the memory per rank.
#pragma once

#include "core/taxonomy.hpp"
#include "csv/csv_import.hpp"
#include "label/learned_labeller.hpp"
#include "parallel/communicator.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace finseg {

struct StoreImportOptions {
  // shards (0: one per ~64 MB of CSV, at least 4, kShardCsvBytes), max_rejects, rejects file, labeller (--labels rules) or learner (--labels learn: on
  // every rank, with the same model loaded) as for import_csv.
  ImportOptions import;
  ShardWriteOptions write;
  std::uint64_t unit_bytes = std::uint64_t{64} << 20;  // target bytes of a unit of a plain file
  // What a rank may hold while it sorts and writes a shard (docs/import.md, "Memory per rank").
  std::uint64_t memory_budget = std::uint64_t{512} << 20;
  // Input bytes per bucket of the duplicate check (one bucket is in memory at a time).
  std::uint64_t bucket_input_bytes = std::uint64_t{128} << 20;
  std::optional<std::filesystem::path> save_model;
  std::string created_by;
  double progress_seconds = 5;  // a progress line on rank 0's stderr this often (0: never)
};

struct StoreImportResult {
  std::uint64_t account_rows = 0, transaction_rows = 0, rejected_rows = 0;
  int shards = 0;                // as given, or chosen from the input's size
  std::uint64_t grouped_shards = 0;  // larger than --memory-budget: sorted in groups of users
  LabelSourceCounts sources;     // with a learner: how the rows got their labels, all ranks
  std::string phases;            // "plan 0.01 s, accounts 0.10 s, ..." (rank 0's wall clock)
  double seconds = 0;
  long max_peak_rss_kib = 0;     // the largest peak RSS of any rank
};

// The shards of an import without --shards: one per kShardCsvBytes of (estimated plain) CSV, at
// least 4 (the old fixed default: a small bank still spreads over a few ranks), at most 100000; the plan's estimate is the same on every rank, so is the count.
inline constexpr std::uint64_t kShardCsvBytes = std::uint64_t{64} << 20;
int default_shard_count(std::uint64_t plain_bytes);

// Collective. Throws (on every rank, the same error) InputError when rows are rejected beyond
// the allowance, IoError when the input cannot be read or the store written; nothing is left.
StoreImportResult import_store(Communicator& comm, const std::filesystem::path& csv_dir, const std::filesystem::path& out,
                               const Taxonomy& taxonomy, const StoreImportOptions& options);

}  // namespace finseg
