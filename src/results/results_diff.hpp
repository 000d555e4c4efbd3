// Quarter over quarter (finseg diff, docs/changes.md): the users who entered, left or changed
// between two result documents of the same segment and request. Both documents are sorted by
// userId, so the diff is one merge pass over them; it is cut into userId ranges of about equal
// bytes (split_user_ranges) that ranks diff independently: rank 0 right into the changes document,
// the others into part files that each then writes into the byte range rank 0 reserved for it
// (ChangesDocument::place_parts, write_part_at). Memory: one user of each document at a time.
#pragma once

#include "core/errors.hpp"
#include "core/segments/request.hpp"
#include "results/results_changes.hpp"
#include "results/results_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace finseg {

class DocumentWriter;

// Two jobs that cannot be compared: of different segments or requests, a changes document, or
// the same job twice (exit 13).
struct NotComparableError : Error {
  explicit NotComparableError(const std::string& what) : Error(ExitCode::not_comparable, what) {}
};

// The two finished jobs a changes document compares, checked to be comparable.
struct ChangesPair {
  std::string old_id, new_id;
  Segment segment{};
  std::string request_json;  // the request both jobs share (callbackURL left out), compact
  std::vector<std::string> label_groups;  // financialBreakdown's, for the rules
  std::string old_creation, new_creation;
  std::int64_t duration_in_month = 0;
  std::filesystem::path old_document, new_document;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(old_id, new_id, segment, request_json, label_groups, old_creation, new_creation, duration_in_month);
    std::string o = old_document.string(), n = new_document.string();
    ar(o, n);
    old_document = o;
    new_document = n;
  }
};

// Reads both jobs' manifests and document heads. A job that is unknown, not ready or failed is an
// Error with exit 11, 10 or 12; two jobs that are not comparable a NotComparableError.
ChangesPair load_changes_pair(const ResultsDir& results, const std::string& old_id, const std::string& new_id);

// The jobId of the changes a run writes for a job file's previousJobId: "<jobId>-changes".
std::string changes_job_id_of(const std::string& job_id);

// Before a run computes job NEW whose job file names previousJobId OLD: OLD must be done (else
// exit 11/10/12) and comparable (NotComparableError), and NEW's changes jobId valid (UsageError).
void check_previous_job(const ResultsDir& results, const std::string& old_id, const std::string& new_id, const std::string& segment,
                        const std::string& request_json, const std::string& creation_date);

struct ChangeCounts {
  std::uint64_t old_users = 0, new_users = 0, entered = 0, left = 0, changed = 0, unchanged = 0;
  ChangeCounts& operator+=(const ChangeCounts& o);
  template <class Archive>
  void serialize(Archive& ar) {
    ar(old_users, new_users, entered, left, changed, unchanged);
  }
};

// parts + 1 bounds: part r holds the users with bounds[r] <= userId < bounds[r + 1]; an empty
// optional is "past the last user" (that part and the ones after it are empty). Cut at equal
// byte fractions of the larger document, so the parts do about equal work.
std::vector<std::optional<std::string>> split_user_ranges(const ChangesPair& pair, int parts);

// Diffs the users of one range into the part file `out` (another rank's range): its change entries
// joined by ",\n" (no separator before the first, none after the last). Not fsynced: a part is
// written into the document (write_part_at) and removed.
ChangeCounts write_changes_part(const ChangesPair& pair, const ChangeRules& rules, const std::optional<std::string>& from,
                                const std::optional<std::string>& to, const std::filesystem::path& out);

// The changes document, written in order: the head, the users of each range (diffed right into it,
// or a part file of another rank), the tail with the counts. The bytes do not depend on how the
// users were cut into ranges. Created exclusively; fsynced by finish().
class ChangesDocument {
 public:
  ChangesDocument(const ChangesPair& pair, const ChangeRules& rules, const std::filesystem::path& out);
  ~ChangesDocument();
  ChangeCounts add_range(const std::optional<std::string>& from, const std::optional<std::string>& to);
  // Makes room after what is written for the parts of other ranks, given their entries and bytes
  // (write_changes_part), in order; each rank then writes its own part into that room in parallel
  // (write_part_at(document, placement.offset, placement.separator, part)). An empty part gets none.
  struct Placement {
    std::uint64_t offset = 0;
    std::string separator;
    template <class Archive>
    void serialize(Archive& ar) {
      ar(offset, separator);
    }
  };
  std::vector<Placement> place_parts(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& entries_and_bytes);
  void finish(const ChangeCounts& total);  // the tail (after any room made for parts); fsync

 private:
  const ChangesPair& pair_;
  const ChangeRules& rules_;
  std::unique_ptr<DocumentWriter> writer_;
  std::uint64_t entries_ = 0;  // written so far: the separator of the next one
};

// The whole diff in this process (finseg serve, a run's previousJobId) into `out`.
ChangeCounts write_changes_serial(const ChangesPair& pair, const ChangeRules& rules, const std::filesystem::path& out);

// The counts as the JSON object written into the document's tail and the manifest.
std::string counts_json(const ChangeCounts& counts);

}  // namespace finseg
