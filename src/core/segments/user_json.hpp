// Builds one user's compact JSON object of a result document:
// {"userId":"...","accounts":[{...},{...}]<tail>}. The buffer is reused from user to user.
#pragma once

#include "core/segments/json_text.hpp"
#include "core/segments/partial.hpp"

#include <string>
#include <string_view>

namespace finseg {

class UserJsonBuilder {
 public:
  void begin(std::string_view user_id, std::string_view list_key) {
    user_id_ = user_id;
    buf_.clear();
    JsonRoom room(buf_, 16 + max_json_string(user_id) + list_key.size());  // written in one piece
    char* p = write_json_string(write_raw(room.begin(), "{\"userId\":"), user_id);
    p = write_raw(write_raw(p, ",\""), list_key);
    room.commit(write_raw(p, "\":["));
    entries_ = 0;
  }
  // The buffer to append the next entry's JSON object to.
  std::string& next_entry() {
    if (entries_++ != 0) buf_ += ',';
    return buf_;
  }
  std::size_t entries() const noexcept { return entries_; }
  // Closes the list; `tail` (e.g. `,"missingInsuranceTypes":[...]`) goes before the final '}'.
  // Appends the user to `out` when it has at least one entry, and adds `reported` (default: the
  // number of list entries) to out.entries.
  void finish(SegmentPartial& out, std::string_view tail = {}, std::size_t reported = kCountEntries) {
    if (entries_ == 0) return;
    buf_ += ']';
    buf_ += tail;
    buf_ += '}';
    out.append_user(user_id_, buf_);
    out.entries += reported == kCountEntries ? entries_ : reported;
  }
  static constexpr std::size_t kCountEntries = static_cast<std::size_t>(-1);

 private:
  std::string buf_;
  std::string_view user_id_;
  std::size_t entries_ = 0;
};

}  // namespace finseg
