// The aggregates of one result document that the report shows (SEGMENTS.md 2.1-2.5): counts,
// sums and mergeable distributions only, never a userId or an accountId. Fed one user at a time
// (flat memory whatever the document's size); combine() is the one merge path of partial figures
// of the same job (the ranks' parts of a document), exact and independent of the split.
#pragma once

#include "core/money.hpp"
#include "core/segments/request.hpp"
#include "results/json_value.hpp"
#include "report/amount_sketch.hpp"

#include <cereal/types/common.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace finseg {

// incomeSpendingSummary: money in and out per account.
struct FlowFigures {
  std::uint64_t incoming_transactions = 0, outgoing_transactions = 0;
  AmountSketch incoming;  // incomingAmount per account
  AmountSketch outgoing;  // outgoingAmount per account (<= 0)
  template <class Archive>
  void serialize(Archive& ar) {
    ar(incoming_transactions, outgoing_transactions, incoming, outgoing);
  }
};

// financialBreakdown, one label group.
struct GroupFigures {
  std::uint64_t users = 0;          // users for whom the group appears
  AmountSketch monthly;             // every such user's monthly totals (N values per user)
  std::vector<Cents> month_sums;    // per window month: the sum over the bank
  template <class Archive>
  void serialize(Archive& ar) {
    ar(users, monthly, month_sums);
  }
};

// insuranceSpending.
struct InsuranceFigures {
  std::map<std::pair<std::string, std::string>, std::uint64_t> contracts;  // (insuranceType, frequency) -> contracts
  AmountSketch amounts;                                                   // each contract's amount
  std::map<std::string, std::uint64_t> missing;                          // expected type -> users missing it
  std::uint64_t users_missing_any = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(contracts, amounts, missing, users_missing_any);
  }
};

class JobFigures {
 public:
  JobFigures() = default;
  // `months`: the document's window months ("YYYY-MM"), for financialBreakdown's month sums;
  // `groups`: the request's labelGroups, in order.
  JobFigures(Segment segment, std::vector<std::string> months, std::vector<std::string> groups);

  // One user object of the document; `where` prefixes errors ("result.json: byte 123").
  void add_user(const JsonValue& user, const std::string& where);
  void combine(const JobFigures& other);

  Segment segment() const noexcept { return segment_; }
  std::uint64_t users() const noexcept { return users_; }
  std::uint64_t accounts() const noexcept { return accounts_; }
  std::uint64_t entries() const noexcept { return entries_; }
  const AmountSketch& balances() const noexcept { return balances_; }
  const FlowFigures& flows() const noexcept { return flows_; }
  const std::vector<std::string>& months() const noexcept { return months_; }
  const std::vector<std::string>& groups() const noexcept { return groups_; }
  const std::vector<GroupFigures>& group_figures() const noexcept { return group_figures_; }
  const InsuranceFigures& insurance() const noexcept { return insurance_; }

  template <class Archive>
  void serialize(Archive& ar) {
    ar(segment_, users_, accounts_, entries_, balances_, flows_, months_, groups_, group_figures_, insurance_);
  }

 private:
  void add_accounts(const JsonValue& accounts, const std::string& where);
  void add_breakdowns(const JsonValue& breakdowns, const std::string& where);
  void add_missing(const JsonValue& missing, const std::string& where);

  Segment segment_{};
  std::uint64_t users_ = 0, accounts_ = 0, entries_ = 0;
  AmountSketch balances_;  // highBalance / lowBalance: the reported amount per account
  FlowFigures flows_;
  std::vector<std::string> months_;
  std::vector<std::string> groups_;
  std::vector<GroupFigures> group_figures_;  // per entry of groups_
  InsuranceFigures insurance_;
};

// A changes document of `finseg diff` (docs/changes.md), recounted from its user lines: the users
// who entered, left or changed, and the changes listed for the changed users by kind. Counts only.
struct ChangeFigures {
  std::uint64_t entered = 0, left = 0, changed = 0;
  std::uint64_t added = 0, removed = 0, moved = 0;  // change entries: added, removed|ended, moved|repriced

  // One user line of the changes document; `where` prefixes errors.
  void add_user(const JsonValue& user, const std::string& where);
  void combine(const ChangeFigures& other);
  template <class Archive>
  void serialize(Archive& ar) {
    ar(entered, left, changed, added, removed, moved);
  }
};

}  // namespace finseg
