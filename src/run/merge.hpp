// Merge, the phase after the scan: every job's document is merged from the partial files of every
// shard (results/partial_file.hpp) into its staged folder (results/results_dir.hpp). The large
// documents are written in byte ranges by several ranks at once: the ranges follow from the partial
// files' headers (each section's first and last user and JSON bytes: results/document_layout.hpp),
// so every rank knows its offset in the one file before anything is read, and merges its users
// (the one merge, core/segments/user_merge.hpp) straight into its range, with its entries of the
// page index. A document is split into as many ranges as the balance of the ranks needs
// (document_writers): with 2 ranks and this bank's six documents (the largest is half the bytes)
// every document stays whole; with 32 ranks the largest is written by 16. Nobody holds a whole
// document; the merge's time divides by the ranks down to what the filesystem delivers.
//
// Measured on this VM (docs/performance.md 2.4): its one disk writes and fsyncs 220 MB in
// 0.20-0.27 s whether one or two processes write, and every document split over 2 ranks made the
// merge of the 100,000-user bank slower (0.21 -> 0.28 s, 5 interleaved runs): two writers and two
// ranges to sync per file, where whole documents balance the two ranks already.
#pragma once

#include "core/segments/segment_totals.hpp"
#include "results/document_layout.hpp"
#include "results/partial_file.hpp"
#include "results/results_dir.hpp"
#include "run/checkpoint.hpp"
#include "run/run_plan.hpp"
#include "run/run_report.hpp"

#include <cstdint>
#include <vector>

namespace finseg {

// The smallest byte range of a split document a rank is given: a range costs a rank two files to
// open and fsync (document and index, 1-15 ms on this VM's disk) and saves the merge of its bytes
// (~1 GB/s of CPU here, 4 ms per 4 MiB), so below a few MiB a document is better written whole.
inline constexpr std::uint64_t kMinRangeBytes = std::uint64_t{4} << 20;

// A rank's share of the documents' bytes may exceed the fair one by 1/kShareSlack before a
// document is split further (document_writers).
inline constexpr std::uint64_t kShareSlack = 10;

// What merging a document costs a rank beyond its bytes, in bytes of the same CPU time (measured
// per document on the 100,000-user bank, docs/performance.md 2.4: ~0.42 ms per MB, ~0.07 ms per
// thousand users, ~15 us per partial file's section opened): a user's record is parsed, goes
// through the merge's heap and gets an index entry whatever its size, so the income document
// (325 bytes per user) cost 1.4x per byte what financialBreakdown (1,110 bytes per user) did, and
// balancing bytes alone left one of 2 ranks 58 % of the merge's CPU.
inline constexpr std::uint64_t kUserCostBytes = 176;
inline constexpr std::uint64_t kSectionCostBytes = 36 << 10;

// A document's merge cost (kUserCostBytes, kSectionCostBytes), in bytes.
std::uint64_t merge_cost(const DocumentLayout& layout);

// Which ranks write the documents of `bytes` bytes: writers[j][s] is the rank of slice s of
// document j. A document gets as many writers as it holds fair shares of all the cost (+10 %),
// rounded up, at most min(ranks, bytes / min_range), at least one; the writers are the least
// loaded ranks so far, the costliest documents first. `cost` (merge_cost; empty: the bytes) is
// what is balanced. Every rank computes the same answer.
std::vector<std::vector<int>> document_writers(const std::vector<std::uint64_t>& bytes, int ranks, std::uint64_t min_range,
                                               const std::vector<std::uint64_t>& cost = {});

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
// `files`: every shard's partial files in Checkpoint::finished_files' order (the run gathers them
// from its ranks: Checkpoint::merge_order); with a Checkpoint, read from its folder.
MergePlan plan_merge(const RunPlan& plan, std::vector<PartialFileRef> files, int ranks, std::uint64_t min_range = kMinRangeBytes);
MergePlan plan_merge(const RunPlan& plan, const Checkpoint& checkpoint, int ranks, std::uint64_t min_range = kMinRangeBytes);

// Every rank, before any rank writes: the staged folder of each job whose first slice it writes,
// with its document and its page index (results/results_index.hpp) at full size. (Rank 0 created
// all of them while the others waited: a folder and two files per job.)
void create_documents(const RunPlan& plan, const MergePlan& merge, const ResultsDir& results, int rank);

// Every rank, once the files exist: its ranges of the documents and of their indexes, fsynced
// once all are written; `steps` gets the wall time of the writing and of the fsync. Throws
// IoError (a read or write failing, records that do not match their headers) and
// std::logic_error (a user in two shards).
std::vector<WrittenDocument> write_document_ranges(const RunPlan& plan, const MergePlan& merge, const ResultsDir& results, int rank,
                                                   MergeSteps& steps);

}  // namespace finseg
