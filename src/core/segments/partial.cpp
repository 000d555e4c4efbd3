#include "core/segments/partial.hpp"

#include "core/segments/user_merge.hpp"

#include <stdexcept>
#include <utility>

namespace finseg {

void SegmentPartial::append_user(std::string user_id, std::string json) {
  if (!user_ids.empty() && !(user_ids.back() < user_id))
    throw std::logic_error("SegmentPartial::append_user: user '" + user_id + "' out of order");
  user_ids.push_back(std::move(user_id));
  user_json.push_back(std::move(json));
}

void SegmentPartial::combine(SegmentPartial&& other) {
  SegmentPartial merged;
  merged.user_ids.reserve(users() + other.users());
  merged.user_json.reserve(users() + other.users());
  const SegmentTotals totals = merge_users(
      {source_of(*this), source_of(other)},
      [&merged](std::string_view id, std::string_view json) {
        merged.user_ids.emplace_back(id);
        merged.user_json.emplace_back(json);
      },
      "SegmentPartial::combine");
  merged.entries = totals.entries;
  merged.transactions_scanned = totals.transactions_scanned;
  *this = std::move(merged);
}

}  // namespace finseg
