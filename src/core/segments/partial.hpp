// The aggregate state of a segment job, DuckDB style, with one merge path.
// Every user lives in exactly one shard, so a user's result is final once its shard is scanned:
// a partial holds finished per-user results, each already rendered as a compact JSON object,
// sorted by userId (byte order). Partials meet only in merge_users() (user_merge.hpp), the one
// merge path: combine() here, render_document() and the run's merge of the partial files of every
// shard (the checkpoint a resumed run reloads is those same files) all go through it.
#pragma once

#include "core/segments/segment_totals.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace finseg {

struct SegmentPartial {
  std::vector<std::string> user_ids;   // sorted, byte order, unique
  // Every user's compact object ({"userId":...,"accounts":[...]} etc.) end to end, and where each
  // ends (parallel to user_ids): one buffer, not a string per user (an allocation per reported
  // user was the kernels' last one).
  std::string json_text;
  std::vector<std::size_t> json_end;
  std::uint64_t entries = 0;           // accounts (or breakdowns / contracts) reported, for the manifest
  std::uint64_t transactions_scanned = 0;

  std::size_t users() const noexcept { return user_ids.size(); }
  SegmentTotals totals() const noexcept { return {users(), entries, transactions_scanned}; }
  // The compact object of the i-th user.
  std::string_view user_json(std::size_t i) const noexcept {
    const std::size_t begin = i == 0 ? 0 : json_end[i - 1];
    return std::string_view(json_text).substr(begin, json_end[i] - begin);
  }
  // Appends one finished user; ids must arrive in increasing byte order (std::logic_error otherwise).
  void append_user(std::string_view user_id, std::string_view json);
  // Merges `other` into this partial (merge_users). A user present in both is a bug:
  // std::logic_error. The result does not depend on the order partials are combined in.
  void combine(SegmentPartial&& other);

  template <class Archive>
  void serialize(Archive& ar) {
    ar(user_ids, json_text, json_end, entries, transactions_scanned);
  }
  bool operator==(const SegmentPartial&) const = default;
};

}  // namespace finseg
