// CSV interchange of SEGMENTS.md 1.1: import into shards, export back.
#pragma once

#include "core/shard_data.hpp"
#include "core/taxonomy.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

namespace finseg {

class Labeller;
class LearnedLabeller;

struct ImportOptions {
  int shards = 4;
  // 0: any rejected row fails the import (the default of the contract). N > 0: up to N rejected
  // rows are set aside into `rejects_file` with the reason of each; one more fails the import.
  std::uint64_t max_rejects = 0;
  std::filesystem::path rejects_file;
  // An existing rejects file is refused (IoError, before anything is read) unless this is set.
  bool replace_rejects = false;
  std::size_t max_reported_errors = 20;  // problems listed in the error message
  // Labels rows whose labels cell is empty (SEGMENTS.md 1.2); null: such rows stay unlabelled.
  const Labeller* labeller = nullptr;
  // When given, wins over `labeller`: learns from the rows whose labels cell is filled and labels
  // the empty cells once every row is read (docs/labeller.md); its sources() count both.
  LearnedLabeller* learner = nullptr;
};

struct ImportResult {
  std::vector<ShardData> shards;  // users partitioned into options.shards contiguous blocks of sorted userIds
  std::uint64_t account_rows = 0;       // accepted
  std::uint64_t transaction_rows = 0;   // accepted
  std::uint64_t rejected_rows = 0;      // set aside into the rejects file
};

// The serial import, in one process and in memory: reads DIR/accounts.csv and
// DIR/transactions.csv. `finseg import` runs the parallel import (app/import_store.hpp, bounded
// memory per rank); this one is its reference: the tests compare the two on hostile input
// (tests/mpi/test_import.cpp), and the fuzz target drives it. On rejection beyond the allowance throws
// InputError whose message lists the first problems as "file:line: column 'X' value 'V': reason".
// Throws IoError when a file cannot be read.
ImportResult import_csv(const std::filesystem::path& dir, const Taxonomy& taxonomy, const ImportOptions& options);

// Writes accounts.csv and transactions.csv into `dir` (created; must not exist), shard by shard,
// in store order, the same schema import reads. Built aside and renamed when complete.
class CsvExporter {
 public:
  CsvExporter(std::filesystem::path dir, const Taxonomy& taxonomy);
  ~CsvExporter();
  CsvExporter(const CsvExporter&) = delete;
  CsvExporter& operator=(const CsvExporter&) = delete;
  void append(const ShardData& shard);
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace finseg
