// Merge, the phase after the scan: every job's document is merged from the partial files of every
// shard (results/partial_file.hpp) into its staged folder (results/results_dir.hpp). With at
// least as many documents as ranks, each document is written whole by one rank (the largest first,
// each to the least loaded rank). Ranks to spare split the large documents: several ranks write
// byte ranges of the one file at once (results/document_layout.hpp, over the one merge of
// core/segments/user_merge.hpp). Nobody holds a whole document.
//
// Why not always split: on this VM's one disk, every document split over 2 ranks made the merge
// of the 100,000-user bank slower (0.49 -> 0.76 s, 6 interleaved runs): two writers and two fsyncs
// per file instead of one. A rank with no document of its own is idle otherwise (32 ranks per
// node, 6 documents: docs/performance.md section 4).
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

// The smallest byte range of a split document a rank is given: below a few MiB a range costs
// more in opening and fsyncing than writing it in parallel saves.
inline constexpr std::uint64_t kMinRangeBytes = std::uint64_t{4} << 20;

// Which ranks write the documents of `bytes` bytes: writers[j][s] is the rank of slice s of
// document j. A document gets one writer, or, when there are more ranks than documents, its share
// of the ranks by size, at most bytes / min_range; the writers are the least loaded ranks so far,
// the largest documents first. Every rank computes the same answer.
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
