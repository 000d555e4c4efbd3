// Merge, the phase after the scan: every job's document is merged from the partial files of every
// shard (results/partial_file.hpp) into its staged folder (results/results_dir.hpp) by every rank
// at once, each rank its own byte range of the one file (results/document_layout.hpp, over the
// one merge of core/segments/user_merge.hpp). Nobody holds a whole document, and every rank
// reads and writes about 1/N of every document.
#pragma once

#include "core/segments/segment_totals.hpp"
#include "results/document_layout.hpp"
#include "results/partial_file.hpp"
#include "results/results_dir.hpp"
#include "run/checkpoint.hpp"
#include "run/run_plan.hpp"

#include <vector>

namespace finseg {

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

// Every rank: the partial files of every shard and the byte ranges of every job's document over
// `ranks` ranks (the same on every rank). Throws IoError when a file is missing or not this run's.
struct MergePlan {
  std::vector<PartialFileRef> files;
  std::vector<DocumentLayout> layouts;  // one per job
};
MergePlan plan_merge(const RunPlan& plan, const Checkpoint& checkpoint, int ranks);

// Rank 0, before any rank writes: each job's staged folder with its document file at full size.
void create_documents(const RunPlan& plan, const MergePlan& merge, const ResultsDir& results);

// Every rank, once the files exist: its range of every document. Throws IoError (a read or write
// failing, records that do not match their headers) and std::logic_error (a user in two shards).
std::vector<WrittenDocument> write_document_ranges(const RunPlan& plan, const MergePlan& merge, const ResultsDir& results, int rank);

}  // namespace finseg
