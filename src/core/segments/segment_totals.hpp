// What a job's result counts, for its manifest: users reported, their entries (accounts,
// breakdowns or contracts) and the transactions scanned. Declared once: a partial file's section,
// the merge and the job manifest all carry this one struct.
#pragma once

#include <cstdint>

namespace finseg {

struct SegmentTotals {
  std::uint64_t users = 0, entries = 0, transactions_scanned = 0;

  SegmentTotals& operator+=(const SegmentTotals& o) noexcept {
    users += o.users;
    entries += o.entries;
    transactions_scanned += o.transactions_scanned;
    return *this;
  }
  bool operator==(const SegmentTotals&) const = default;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(users, entries, transactions_scanned);
  }
};

}  // namespace finseg
