#include "core/segments/user_merge.hpp"

#include <algorithm>
#include <queue>
#include <stdexcept>

namespace finseg {

namespace {

class PartialSource final : public UserSource {
 public:
  explicit PartialSource(const SegmentPartial& partial) : p_(partial) {}
  bool next() override {
    if (started_) ++i_;
    started_ = true;
    return i_ < p_.user_ids.size();
  }
  std::string_view id() const override { return p_.user_ids[i_]; }
  std::string_view json() const override { return p_.user_json(i_); }

 private:
  const SegmentPartial& p_;
  std::size_t i_ = 0;
  bool started_ = false;
};

// The open sources, the one with the smallest current user on top.
class MergeHeap {
 public:
  bool empty() const { return heap_.empty(); }
  UserSource& top() const { return *open_[heap_.top()]; }
  void open(const PendingSource& s) {
    open_.push_back(s.open());
    if (open_.back()->next()) heap_.push(open_.size() - 1);
    else open_.back().reset();
  }
  // The top source moves on to its next user; a source at its end is released at once (its
  // buffer and file with it).
  void advance() {
    const std::size_t k = heap_.top();
    heap_.pop();
    if (open_[k]->next()) heap_.push(k);
    else open_[k].reset();
  }

 private:
  struct Later {
    const std::vector<std::unique_ptr<UserSource>>* open;
    bool operator()(std::size_t a, std::size_t b) const { return (*open)[b]->id() < (*open)[a]->id(); }
  };
  std::vector<std::unique_ptr<UserSource>> open_;
  std::priority_queue<std::size_t, std::vector<std::size_t>, Later> heap_{Later{&open_}};
};

}  // namespace

PendingSource source_of(const SegmentPartial& partial) {
  if (partial.user_ids.size() != partial.json_end.size() ||
      (!partial.json_end.empty() && partial.json_end.back() != partial.json_text.size()))
    throw std::logic_error("SegmentPartial: user_ids and json_end differ in length, or json_text in size");
  PendingSource s;
  s.totals = partial.totals();
  if (!partial.user_ids.empty()) s.first_user = partial.user_ids.front();
  s.open = [&partial] { return std::make_unique<PartialSource>(partial); };
  return s;
}

SegmentTotals merge_users(std::vector<PendingSource> sources, const UserSink& sink, const std::string& what) {
  SegmentTotals totals;
  std::vector<const PendingSource*> order;  // sources with users, by their first user
  for (const auto& s : sources) {
    totals.entries += s.totals.entries;
    totals.transactions_scanned += s.totals.transactions_scanned;
    if (s.totals.users > 0) order.push_back(&s);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const PendingSource* a, const PendingSource* b) { return a->first_user < b->first_user; });
  MergeHeap heap;
  std::size_t next = 0;
  std::string last;
  while (!heap.empty() || next < order.size()) {
    // A source joins the merge once the merge reaches its first user.
    if (next < order.size() && (heap.empty() || !(heap.top().id() < order[next]->first_user))) {
      heap.open(*order[next++]);
      continue;
    }
    const UserSource& top = heap.top();
    if (totals.users > 0 && !(std::string_view(last) < top.id()))
      throw std::logic_error(what + ": user '" + std::string(top.id()) + "' is in two partials, or a partial is out of order");
    sink(top.id(), top.json());
    last.assign(top.id());
    ++totals.users;
    heap.advance();
  }
  return totals;
}

}  // namespace finseg
