// One shard's finished partial states (one per job of a run) as a file, and the streaming merge
// of such files into a job's result document.
//
// Why a file: a partial holds rendered per-user results, so the results of a whole bank are as
// large as its documents (210 MB of JSON for 100,000 users). Every rank writes each shard it
// finishes to RESULTS/.checkpoint/<run key>/shard-NNNNN.part (which is also what an interrupted
// run resumes from), holds nothing after that, and a writer merges the files of every shard
// straight into result.json: memory stays flat however large the bank.
//
// File layout (native little-endian; a transient file read back by the same build):
//   "FINSEGPT" | u32 format version | u64 header bytes | header (cereal binary: PartialFileHeader)
//   | job sections | u32 CRC-32 (zlib) of everything before it
// A job section is its users in increasing byte order of userId, each as
//   u32 id length | id bytes | u32 json length | json bytes (the user's compact JSON object).
// The header gives each section's first and last user and its JSON bytes, so the byte ranges of
// a document that several ranks write are known before anything is read (results/document_layout.hpp).
#pragma once

#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"
#include "core/segments/user_merge.hpp"

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace finseg {

// A header is at most this long; no string or list in it can claim more (a size read from a
// hostile or buggy file must fail the read, not allocate gigabytes first).
inline constexpr std::uint64_t kMaxPartialHeaderBytes = std::uint64_t{64} << 20;
inline constexpr std::uint64_t kMinSectionBytes = 8 * sizeof(std::uint64_t);  // 6 counts, 2 string sizes

// cereal's own string layout (size tag, bytes), with the size checked before the allocation.
template <class Archive>
void load_bounded_string(Archive& ar, std::string& s) {
  cereal::size_type n = 0;
  ar(cereal::make_size_tag(n));
  if (n > kMaxPartialHeaderBytes) throw cereal::Exception("implausible string length " + std::to_string(n));
  s.resize(static_cast<std::size_t>(n));
  ar(cereal::binary_data(s.data(), s.size()));
}

struct PartialSection {
  SegmentTotals totals;
  std::uint64_t offset = 0, bytes = 0;  // of the section within the file
  std::uint64_t json_bytes = 0;         // of its users' JSON objects: where a document's byte ranges start
  std::string first_user, last_user;    // empty when totals.users == 0
  template <class Archive>
  void save(Archive& ar) const {
    ar(totals.users, totals.entries, totals.transactions_scanned, offset, bytes, json_bytes, first_user, last_user);
  }
  template <class Archive>
  void load(Archive& ar) {
    ar(totals.users, totals.entries, totals.transactions_scanned, offset, bytes, json_bytes);
    load_bounded_string(ar, first_user);
    load_bounded_string(ar, last_user);
  }
};

struct PartialFileHeader {
  std::string run_key;
  std::int32_t shard = -1;
  std::string shard_checksum;
  std::vector<PartialSection> jobs;  // in the run's job order
  std::uint64_t body_offset = 0;     // where the sections start: set on reading, not stored
  template <class Archive>
  void save(Archive& ar) const {
    ar(run_key, shard, shard_checksum, jobs);
  }
  template <class Archive>
  void load(Archive& ar) {
    load_bounded_string(ar, run_key);
    ar(shard);
    load_bounded_string(ar, shard_checksum);
    cereal::size_type n = 0;
    ar(cereal::make_size_tag(n));
    if (n > kMaxPartialHeaderBytes / kMinSectionBytes) throw cereal::Exception("implausible job count " + std::to_string(n));
    jobs.resize(static_cast<std::size_t>(n));
    for (auto& section : jobs) ar(section);
  }
};

// The file's bytes for one shard's partials (one per job), and its header as read_partial_header
// reads it back (body_offset set): the writer of a file knows what the merge needs of it without
// reading it again. Throws std::logic_error on a partial whose users are not in strictly
// increasing order.
struct EncodedPartialFile {
  std::string bytes;
  PartialFileHeader header;
};
EncodedPartialFile encode_partial(const std::string& run_key, int shard, const std::string& shard_checksum,
                                  const std::vector<SegmentPartial>& partials);
inline std::string encode_partial_file(const std::string& run_key, int shard, const std::string& shard_checksum,
                                       const std::vector<SegmentPartial>& partials) {
  return encode_partial(run_key, shard, shard_checksum, partials).bytes;
}

// Reads the header only (cheap); throws IoError naming the file when it is not a partial file
// of this format or is shorter than its header says.
PartialFileHeader read_partial_header(const std::filesystem::path& file);

// Reads the whole file and checks its CRC and section bounds; throws IoError naming the file.
PartialFileHeader verify_partial_file(const std::filesystem::path& file);

// Reads one job's section back as a partial (tests, small files).
SegmentPartial read_partial_section(const std::filesystem::path& file, const PartialFileHeader& header, std::size_t job);

struct PartialFileRef {
  std::filesystem::path file;
  PartialFileHeader header;
  // On the wire between ranks (the header with its body_offset, which the file does not store).
  template <class Archive>
  void save(Archive& ar) const {
    ar(file.string(), header, header.body_offset);
  }
  template <class Archive>
  void load(Archive& ar) {
    std::string path;
    load_bounded_string(ar, path);
    ar(header, header.body_offset);
    file = path;
  }
};

// Job `job`'s section of a file as a source of the one merge (core/segments/user_merge.hpp),
// opened when the merge reaches its first user. I/O problems: IoError naming the file.
PendingSource section_source(const PartialFileRef& ref, std::size_t job);

// Streams job `job`'s sections of every file, merged by userId (the one merge, over their
// section_source()s), into the new file `out` as the job's result document, by one process (the
// run's ranks write their ranges of a document at once: results/document_layout.hpp, which this
// is with one range): byte-identical to render_document() of the combined partials. Memory: one
// read buffer per section open at a time (shards of disjoint user ranges are read one after the
// other). The file is written and fsynced, not renamed (the caller commits the folder). A user in
// two files is a bug: std::logic_error. I/O problems: IoError naming the file.
SegmentTotals write_merged_document(const JobSpec& spec, std::size_t job, const std::vector<PartialFileRef>& files,
                                   const std::filesystem::path& out);

}  // namespace finseg
