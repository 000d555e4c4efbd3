// The one merge of partial results (SEGMENTS.md 2: a document lists its users in userId order).
// Every way a job's users meet goes through merge_users(): SegmentPartial::combine (partials in
// memory), render_document (one partial), and the run's documents merged from the partial files
// of every shard (results/partial_file.hpp, which reads a file section as a UserSource). So the
// bytes of a document, the duplicate check and the totals come from one code.
#pragma once

#include "core/segments/partial.hpp"
#include "core/segments/segment_totals.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace finseg {

// A sorted stream of finished users (increasing byte order of userId): a partial in memory or
// a section of a partial file.
class UserSource {
 public:
  virtual ~UserSource() = default;
  // Moves to the next user (the first, on the first call); false at the end.
  virtual bool next() = 0;
  virtual std::string_view id() const = 0;
  virtual std::string_view json() const = 0;
};

// A source before the merge opens it: its totals, its first user, and how to open it. The merge
// opens a source only when it reaches the source's first user, so sources of disjoint user
// ranges (the shards) are read one after the other: one read buffer open at a time.
struct PendingSource {
  SegmentTotals totals;
  std::string first_user;  // unused when totals.users == 0 (such a source is never opened)
  std::function<std::unique_ptr<UserSource>()> open;
};

// The users of a partial in memory, as a source (the partial must outlive it).
PendingSource source_of(const SegmentPartial& partial);

using UserSink = std::function<void(std::string_view id, std::string_view json)>;

// Every user of every source, merged by userId, passed to `sink` in order; returns the summed
// totals (users: those passed). A user in two sources, or a source out of order, is a bug:
// std::logic_error naming `what` and the user. The documents: write_document (document.hpp).
SegmentTotals merge_users(std::vector<PendingSource> sources, const UserSink& sink, const std::string& what);

}  // namespace finseg
