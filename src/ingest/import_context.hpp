// What every phase of the parallel import shares: the communicator, the options, the plan of the
// input, the staging folder and the problems found so far on this rank.
#pragma once

#include "core/taxonomy.hpp"
#include "csv/csv_import.hpp"
#include "csv/csv_source.hpp"
#include "ingest/import_records.hpp"
#include "parallel/communicator.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace finseg::ingest {

// The input, planned identically on every rank: units of the accounts files, then of the
// transactions files; InputPos::file numbers the accounts files first, then the transactions files.
struct InputPlan {
  std::vector<std::filesystem::path> account_files, transaction_files;
  std::vector<csv::InputUnit> account_units, transaction_units;  // resolved
  std::uint64_t account_bytes = 0, transaction_bytes = 0;  // as stored (compressed or not)
  // The plain CSV bytes, a compressed file counted at 8 x its size (CSV compresses ~5-10 x).
  std::uint64_t estimated_plain_bytes = 0;
};

// Plans the units of DIR's accounts*/transactions* files and resolves them: every rank scans the
// units i with i % size == rank, the scans are gathered, every rank resolves the same plan.
InputPlan plan_input(Communicator& comm, const std::filesystem::path& dir, std::uint64_t unit_bytes);

// The first `keep` problems of this rank in input order, and how many rows it rejected.
class ProblemList {
 public:
  explicit ProblemList(std::size_t keep) : keep_(keep) {}
  // `counts`: a new rejected row (false: a better reason for a row already counted).
  void add(PlacedProblem p, bool counts);
  std::uint64_t rows() const noexcept { return rows_; }
  // Every rank's problems at rank 0, in input order, a duplicate's reason winning over the
  // reason the same row had before; the first `keep`. Collective; other ranks get an empty list.
  std::vector<csv::Problem> gather_first(Communicator& comm);

 private:
  void trim();
  std::size_t keep_;
  std::uint64_t rows_ = 0;
  std::vector<PlacedProblem> items_;
};

struct ImportContext {
  Communicator& comm;
  const Taxonomy& taxonomy;
  const ImportOptions& options;
  InputPlan plan;
  std::filesystem::path staging;  // inside the store's temporary folder: goes with it
  int shards = 1;
  // Buckets of the duplicate check: one is held in memory at a time by its owner, so there are
  // enough for a bucket's keys to stay small whatever the input's size (import_store.cpp).
  int id_buckets = 1;
  std::size_t spill_buffer = 1 << 20;  // bytes per spill file buffer
  ProblemList problems;
  // |balance| of the accounts this rank accepted plus |amount| of the rows it read that passed
  // the row checks, saturating at INT64_MAX: when the sum over all ranks fits, no user's money
  // sums can overflow, and the money bound rejects nothing (import_store.cpp uses it to learn
  // while reading).
  std::uint64_t money_total = 0;
  // What the shard phase may hold (--memory-budget, docs/import.md): a shard whose spilled rows
  // exceed a quarter of it is cut into groups of users sorted one at a time (import_shards.cpp).
  std::uint64_t memory_budget = std::uint64_t{512} << 20;

  std::size_t keep() const noexcept { return std::max<std::size_t>(options.max_reported_errors, options.max_rejects); }
  bool keep_raw() const noexcept { return options.max_rejects > 0; }
  std::string file_name(std::uint32_t file) const;
  // "accounts.csv" as the transactions' reasons name it (the folder's accounts*.csv when several).
  std::string accounts_name() const;
  std::filesystem::path spill(std::string_view kind, int part, int rank) const;
  int owner(int part) const noexcept { return part % comm.size(); }
};

// Runs `body` on this rank and agrees with every rank on the outcome (collective): when it threw
// on some rank, every rank throws the failure with the smallest `order` (an Error keeps its exit
// code). No rank is left waiting in a later collective for one that failed.
void agree(ImportContext& ctx, std::uint64_t order, const std::function<void()>& body);

// Reads this rank's units of `units` (i % size == rank) with `read`, then `finish` (flushes);
// collective. When a unit fails, every rank throws the error of the first failing unit in plan
// order: after a malformed quote the later units of the file may read garbage or fail otherwise,
// and only the first error is the file's (csv_source.hpp), whichever rank found it.
void read_my_units(ImportContext& ctx, const std::vector<csv::InputUnit>& units,
                   const std::function<void(const csv::InputUnit&)>& read, const std::function<void()>& finish);

}  // namespace finseg::ingest
