// The label taxonomy (SEGMENTS.md 1.2). It is data (config/labels.json), not code: a bank may
// extend it. Every group and every label gets one bit of a LabelSet, in table order: the group
// first, then its labels. Table order is what "first INSURANCE label in the order of table 1.2"
// and missingInsuranceTypes refer to, so it is the bit order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace finseg {

using LabelSet = std::uint64_t;
inline constexpr int kMaxLabels = 64;

struct LabelGroup {
  std::string name;
  std::vector<std::string> labels;
};

class Taxonomy {
 public:
  Taxonomy() = default;
  // Throws InputError on duplicate names, bad spelling ([A-Z0-9_]+) or more than 64 names.
  explicit Taxonomy(std::vector<LabelGroup> groups);

  const std::vector<LabelGroup>& groups() const noexcept { return groups_; }
  // All names (groups and labels) in bit order.
  const std::vector<std::string>& names() const noexcept { return names_; }
  std::size_t size() const noexcept { return names_.size(); }

  std::optional<int> bit_of(std::string_view name) const noexcept;
  std::optional<int> group_index(std::string_view group_name) const noexcept;
  int group_of_bit(int bit) const noexcept { return group_of_bit_[static_cast<std::size_t>(bit)]; }
  bool is_group_bit(int bit) const noexcept { return is_group_bit_[static_cast<std::size_t>(bit)]; }
  int group_bit(int group) const noexcept { return group_bits_[static_cast<std::size_t>(group)]; }
  // The group's own bit and the bits of all its labels: a transaction matches the group when
  // (labels & group_mask(g)) != 0.
  LabelSet group_mask(int group) const noexcept { return group_masks_[static_cast<std::size_t>(group)]; }
  // Leaf labels only (without the group bit).
  LabelSet leaf_mask(int group) const noexcept { return group_masks_[static_cast<std::size_t>(group)] & ~(LabelSet{1} << group_bits_[static_cast<std::size_t>(group)]); }

  struct Parsed {
    LabelSet set = 0;
    std::string error;  // empty when ok
  };
  // A `labels` cell: names separated by ';', exact spelling, no blanks, no empty item.
  // An empty cell is the empty set.
  Parsed parse(std::string_view cell) const;
  // Names in bit order joined by ';' ("" for the empty set).
  std::string format(LabelSet set) const;

  bool operator==(const Taxonomy& other) const noexcept { return names_ == other.names_ && group_bits_ == other.group_bits_; }

 private:
  std::vector<LabelGroup> groups_;
  std::vector<std::string> names_;
  std::vector<int> group_of_bit_;
  std::vector<bool> is_group_bit_;
  std::vector<int> group_bits_;
  std::vector<LabelSet> group_masks_;
};

}  // namespace finseg
