// Merge, the phase after the scan: every job's document is merged from the partial files of every
// shard (results/partial_file.hpp, over the one merge of core/segments/user_merge.hpp) straight
// into its staged folder (results/results_dir.hpp), each document by one rank; the ranks share
// the results folder and nobody holds a whole document.
#pragma once

#include "core/segments/segment_totals.hpp"
#include "results/partial_file.hpp"
#include "results/results_dir.hpp"
#include "run/checkpoint.hpp"
#include "run/run_plan.hpp"

#include <cstdint>
#include <vector>

namespace finseg {

// Which of the documents (their expected sizes in bytes) rank `rank` of `ranks` writes: the
// largest first, each to the rank with the least bytes so far. Every rank computes the same
// answer from the same sizes; the documents' bytes do not depend on it.
std::vector<std::size_t> documents_of_rank(const std::vector<std::uint64_t>& bytes, int rank, int ranks);
// The bytes of each job's sections in all the files (what its document will be about).
std::vector<std::uint64_t> section_bytes(const std::vector<PartialFileRef>& files, std::size_t jobs);

// What a writer rank reports of one document it merged and wrote.
struct WrittenDocument {
  std::size_t job = 0;
  SegmentTotals totals;
  double seconds = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(job, totals, seconds);
  }
};

// One rank's part of the merge: the documents of documents_of_rank, each written into the staged
// folder of its job (ResultsDir::stage with the plan's stage tag). Throws IoError (a partial file
// missing or not of this run, a write failing) and std::logic_error (a user in two shards).
std::vector<WrittenDocument> merge_documents(const RunPlan& plan, const Checkpoint& checkpoint, const ResultsDir& results, int rank,
                                             int ranks);

}  // namespace finseg
