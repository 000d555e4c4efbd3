#include "core/taxonomy.hpp"

#include "core/errors.hpp"

#include <unordered_set>

namespace finseg {

namespace {
bool valid_name(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}
}  // namespace

Taxonomy::Taxonomy(std::vector<LabelGroup> groups) : groups_(std::move(groups)) {
  std::unordered_set<std::string> seen;
  auto add = [&](const std::string& name, int group, bool is_group) {
    if (!valid_name(name)) throw InputError("label taxonomy: invalid label name '" + name + "' (use A-Z, 0-9, _)");
    if (!seen.insert(name).second) throw InputError("label taxonomy: duplicate label name '" + name + "'");
    if (names_.size() >= static_cast<std::size_t>(kMaxLabels))
      throw InputError("label taxonomy: more than 64 groups and labels together");
    names_.push_back(name);
    group_of_bit_.push_back(group);
    is_group_bit_.push_back(is_group);
  };
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const int gi = static_cast<int>(g);
    group_bits_.push_back(static_cast<int>(names_.size()));
    // Each bit is shifted in after add() has checked the limit: a shift by 64 is undefined.
    add(groups_[g].name, gi, true);
    LabelSet mask = LabelSet{1} << (names_.size() - 1);
    for (const auto& label : groups_[g].labels) {
      add(label, gi, false);
      mask |= LabelSet{1} << (names_.size() - 1);
    }
    group_masks_.push_back(mask);
  }
}

std::optional<int> Taxonomy::bit_of(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<int>(i);
  return std::nullopt;
}

std::optional<int> Taxonomy::group_index(std::string_view group_name) const noexcept {
  for (std::size_t g = 0; g < groups_.size(); ++g)
    if (groups_[g].name == group_name) return static_cast<int>(g);
  return std::nullopt;
}

Taxonomy::Parsed Taxonomy::parse(std::string_view cell) const {
  Parsed r;
  if (cell.empty()) return r;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = cell.find(';', start);
    const std::string_view item = cell.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (item.empty()) {
      r.error = "empty label item";
      return r;
    }
    const auto bit = bit_of(item);
    if (!bit) {
      r.error = "unknown label '" + std::string(item) + "'";
      return r;
    }
    r.set |= LabelSet{1} << *bit;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return r;
}

std::string Taxonomy::format(LabelSet set) const {
  std::string out;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (set & (LabelSet{1} << i)) {
      if (!out.empty()) out += ';';
      out += names_[i];
    }
  }
  return out;
}

}  // namespace finseg
