#include "core/segments/partial.hpp"

#include <stdexcept>
#include <utility>

namespace finseg {

namespace {
[[noreturn]] void duplicate_user(const std::string& id) {
  throw std::logic_error("SegmentPartial::combine: user '" + id + "' appears in two partials");
}
}  // namespace

void SegmentPartial::append_user(std::string user_id, std::string json) {
  if (!user_ids.empty() && !(user_ids.back() < user_id))
    throw std::logic_error("SegmentPartial::append_user: user '" + user_id + "' out of order");
  user_ids.push_back(std::move(user_id));
  user_json.push_back(std::move(json));
}

void SegmentPartial::combine(SegmentPartial&& other) {
  if (other.user_ids.size() != other.user_json.size() || user_ids.size() != user_json.size())
    throw std::logic_error("SegmentPartial::combine: user_ids and user_json differ in length");
  entries += other.entries;
  transactions_scanned += other.transactions_scanned;
  if (other.user_ids.empty()) return;
  if (user_ids.empty()) {
    user_ids = std::move(other.user_ids);
    user_json = std::move(other.user_json);
    return;
  }
  // Shards hold contiguous blocks of sorted users, so the usual case is a plain append.
  if (user_ids.back() < other.user_ids.front()) {
    user_ids.insert(user_ids.end(), std::make_move_iterator(other.user_ids.begin()),
                    std::make_move_iterator(other.user_ids.end()));
    user_json.insert(user_json.end(), std::make_move_iterator(other.user_json.begin()),
                     std::make_move_iterator(other.user_json.end()));
    return;
  }
  std::vector<std::string> ids;
  std::vector<std::string> json;
  ids.reserve(user_ids.size() + other.user_ids.size());
  json.reserve(ids.capacity());
  std::size_t i = 0, j = 0;
  while (i < user_ids.size() || j < other.user_ids.size()) {
    const bool take_mine = j == other.user_ids.size() || (i < user_ids.size() && user_ids[i] < other.user_ids[j]);
    if (!take_mine && i < user_ids.size() && user_ids[i] == other.user_ids[j]) duplicate_user(user_ids[i]);
    if (take_mine) {
      ids.push_back(std::move(user_ids[i]));
      json.push_back(std::move(user_json[i]));
      ++i;
    } else {
      ids.push_back(std::move(other.user_ids[j]));
      json.push_back(std::move(other.user_json[j]));
      ++j;
    }
  }
  user_ids = std::move(ids);
  user_json = std::move(json);
}

}  // namespace finseg
