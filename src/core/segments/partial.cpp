#include "core/segments/partial.hpp"

#include "core/segments/user_merge.hpp"

#include <stdexcept>
#include <utility>

namespace finseg {

void SegmentPartial::append_user(std::string_view user_id, std::string_view json) {
  if (!user_ids.empty() && !(std::string_view(user_ids.back()) < user_id))
    throw std::logic_error("SegmentPartial::append_user: user '" + std::string(user_id) + "' out of order");
  user_ids.emplace_back(user_id);
  json_text += json;
  json_end.push_back(json_text.size());
}

void SegmentPartial::combine(SegmentPartial&& other) {
  SegmentPartial merged;
  merged.user_ids.reserve(users() + other.users());
  merged.json_end.reserve(users() + other.users());
  merged.json_text.reserve(json_text.size() + other.json_text.size());
  const SegmentTotals totals = merge_users(
      {source_of(*this), source_of(other)},
      [&merged](std::string_view id, std::string_view json) {
        merged.user_ids.emplace_back(id);
        merged.json_text += json;
        merged.json_end.push_back(merged.json_text.size());
      },
      "SegmentPartial::combine");
  merged.entries = totals.entries;
  merged.transactions_scanned = totals.transactions_scanned;
  *this = std::move(merged);
}

}  // namespace finseg
