// A job's document written in byte ranges (slices) of the one file, by several ranks at once. The
// shards hold contiguous user ranges, so a job's sections in the partial files (sorted by their
// first user; sections whose user ranges overlap stay together) split the document's users into
// ranges that follow each other; every section's header gives its users and JSON bytes, so every
// rank computes the same byte ranges from the same headers before anything is read. One process
// creates the file at its final size (create_sized_file); then each slice's writer merges its
// sections (write_document_users, the one merge) straight into its range, slice 0's also the head
// and the tail. The bytes are those of write_document over all the sections, for any number of
// slices (run/merge.hpp gives them to the ranks).
#pragma once

#include "core/segments/request.hpp"
#include "core/segments/segment_totals.hpp"
#include "results/partial_file.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace finseg {

// One byte range of a document's users.
struct DocumentSlice {
  std::vector<std::size_t> files;  // the files whose section of the job it merges
  std::uint64_t offset = 0, bytes = 0;
  std::uint64_t users = 0;
  std::uint64_t users_before = 0;  // the document's users in the slices before it: where its index entries start
  bool starts_document = false;    // it holds the document's first user
};

struct DocumentLayout {
  std::string head, tail;
  std::uint64_t tail_offset = 0;
  std::vector<DocumentSlice> slices;  // in document order
  std::vector<std::size_t> userless;  // files whose section has no users: only their totals count (slice 0)
  std::uint64_t users = 0;            // of the whole document
  std::uint64_t total_bytes() const noexcept { return tail_offset + tail.size(); }
};

// Job `job`'s document in `slices` byte ranges, about equally large.
DocumentLayout layout_document(const JobSpec& spec, std::size_t job, const std::vector<PartialFileRef>& files, int slices);

// Slice `slice` (slice 0: and the head and tail) written into `document`, which exists at
// layout.total_bytes(), and fsynced unless `sync` is false (the caller then fsyncs the files:
// a writer of several files syncs them all at its end, when the first fsync commits the others'
// metadata too); returns the totals of its sections (the users it wrote).
// With `index` (created by UserIndex::create_sized for layout.users), the slice also writes its
// users' entries of the document's page index (slice 0: and its header), synced alike: the index
// comes out of the merge instead of a second pass over the document by one process.
// Records that do not match their headers' sizes or user counts: IoError naming the job.
SegmentTotals write_document_slice(const DocumentLayout& layout, int slice, std::size_t job, const std::vector<PartialFileRef>& files,
                                   const std::filesystem::path& document, const std::filesystem::path& index = {}, bool sync = true);

}  // namespace finseg
