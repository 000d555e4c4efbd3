// What "changed" means for a user who is in both of two result documents of the same segment and
// request (finseg diff, docs/changes.md): the user's entries are cut into keyed items (an account,
// a label group, an insurance contract) with integer measures (money in cents, or a count), and
// rules say which items and measures count and by how much a measure must move.
//
// A rule (JSON, one per --threshold):
//   {"labelGroup"|"insuranceType": selects items (optional: all), "measure": one measure (optional: all),
//    "minChange": money or count (default 0.01 / 1), "minChangePercent": number (optional),
//    "changes": the kinds that count (default all: added, removed|ended, moved|repriced)}
// An item added or removed fires when a rule selects it and names that kind; a measure of an item
// in both fires when |new - old| >= minChange and, when given, |new - old| >= minChangePercent % of
// |old| (an old 0 counts as any percent). Without rules: every item, every measure, any change.
#pragma once

#include "core/money.hpp"
#include "core/segments/request.hpp"
#include "results/json_value.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace finseg {

struct ChangeRule {
  std::optional<std::string> selector;  // labelGroup (financialBreakdown) or insuranceType (insuranceSpending)
  std::optional<std::string> measure;   // none: every measure of the segment
  bool added = true, removed = true, moved = true;
  std::int64_t min_change = 1;            // in the measure's unit: cents, or a count
  std::int64_t min_percent_hundredths = 0;  // 2000 = 20 %; 0: no relative condition
};

class ChangeRules {
 public:
  // Validates `rules` against the segment and the jobs' request (labelGroups); errors are
  // UsageError naming `source`, the rule's index and the field. No rules: the default rule.
  ChangeRules(Segment segment, const std::vector<JsonValue>& rules, const std::vector<std::string>& label_groups,
              const std::string& source);

  Segment segment() const noexcept { return segment_; }
  // The rules in canonical JSON (every default written out), echoed into the changes document.
  std::string json() const;
  // The JSON array of what changed between the two objects of one user (compact, deterministic),
  // or "" when no rule fires. Throws IoError when an object does not have the segment's shape.
  std::string compare(std::string_view old_user, std::string_view new_user) const;

 private:
  Segment segment_;
  std::vector<ChangeRule> rules_;
};

// The measures of a segment's items, in the order they are compared and reported.
const std::vector<std::string>& segment_measures(Segment segment);

}  // namespace finseg
