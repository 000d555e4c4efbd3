// Merge, the phase after the scan: every job's document is merged from the partial files of every
// shard (results/partial_file.hpp) into its staged folder (results/results_dir.hpp), in byte
// ranges of the one file that several ranks write at once (results/document_layout.hpp, over the
// one merge of core/segments/user_merge.hpp). A large document is split over every rank; a small
// one is written whole by one rank (below a few MiB a range costs more in opening and fsyncing
// than writing it in parallel saves). Nobody holds a whole document.
#pragma once

#include "core/segments/segment_totals.hpp"
#include "results/document_layout.hpp"
#include "results/partial_file.hpp"
#include "results/results_dir.hpp"
#include "run/checkpoint.hpp"
#include "run/run_plan.hpp"

#include <cstdint>
#include <vector>

namespace finseg {

// The smallest byte range of a document a rank is given (a document below twice this size has one
// writer). At 10,000 users (6 documents, 0.2–11 MB) splitting every document over 2 ranks made the
// merge slower; at 100,000 users (~210 MB) it made it 2.7x faster (docs/performance.md).
inline constexpr std::uint64_t kMinRangeBytes = std::uint64_t{4} << 20;

// Which ranks write the documents of `bytes` bytes: writers[j][s] is the rank of slice s of
// document j. A document gets min(ranks, bytes / min_range) writers (at least one), the least
// loaded ranks so far, the largest documents first. Every rank computes the same answer.
std::vector<std::vector<int>> document_writers(const std::vector<std::uint64_t>& bytes, int ranks, std::uint64_t min_range);

// What a rank reports of its part of one document (rank 0 adds them up).
struct WrittenDocument {
  std::size_t job = 0;
  SegmentTotals totals;
  double seconds = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(job, totals, seconds);
  }
};

// Every rank: the partial files of every shard, the byte ranges of every job's document and their
// writers (the same on every rank). Throws IoError when a file is missing or not this run's.
struct MergePlan {
  std::vector<PartialFileRef> files;
  std::vector<DocumentLayout> layouts;   // one per job
  std::vector<std::vector<int>> writers;  // per job: the rank of each slice
};
MergePlan plan_merge(const RunPlan& plan, const Checkpoint& checkpoint, int ranks, std::uint64_t min_range = kMinRangeBytes);

// Rank 0, before any rank writes: each job's staged folder with its document file at full size.
void create_documents(const RunPlan& plan, const MergePlan& merge, const ResultsDir& results);

// Every rank, once the files exist: its ranges of the documents. Throws IoError (a read or write
// failing, records that do not match their headers) and std::logic_error (a user in two shards).
std::vector<WrittenDocument> write_document_ranges(const RunPlan& plan, const MergePlan& merge, const ResultsDir& results, int rank);

}  // namespace finseg
