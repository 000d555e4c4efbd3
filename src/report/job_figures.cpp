#include "report/job_figures.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <charconv>

namespace finseg {

namespace {

[[noreturn]] void bad(const std::string& where, const std::string& field, const std::string& problem) {
  throw InputError(where + ": field '" + field + "': " + problem);
}

const JsonValue& member(const JsonValue& object, const char* key, JsonValue::Kind kind, const std::string& where) {
  const JsonValue* v = object.kind == JsonValue::Kind::object ? object.find(key) : nullptr;
  if (!v) bad(where, key, "missing");
  if (v->kind != kind) bad(where, key, std::string("must be a ") + kind_name(kind) + ", got a " + kind_name(v->kind));
  return *v;
}

Cents money(const JsonValue& object, const char* key, const std::string& where) {
  const JsonValue& v = member(object, key, JsonValue::Kind::number, where);
  const MoneyParse m = parse_money(v.text);
  if (!m.ok()) bad(where, key, "not an amount with two fraction digits: " + v.text);
  return m.value;
}

std::uint64_t count(const JsonValue& object, const char* key, const std::string& where) {
  const std::string& t = member(object, key, JsonValue::Kind::number, where).text;
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || end != t.data() + t.size()) bad(where, key, "not a count: " + t);
  return n;
}

const std::string& text(const JsonValue& object, const char* key, const std::string& where) {
  return member(object, key, JsonValue::Kind::string, where).text;
}

}  // namespace

JobFigures::JobFigures(Segment segment, std::vector<std::string> months, std::vector<std::string> groups)
    : segment_(segment), months_(std::move(months)), groups_(std::move(groups)) {
  group_figures_.resize(groups_.size());
  for (auto& g : group_figures_) g.month_sums.assign(months_.size(), 0);
}

void JobFigures::add_user(const JsonValue& user, const std::string& where) {
  text(user, "userId", where);
  ++users_;
  if (segment_ == Segment::financialBreakdown) {
    add_breakdowns(member(user, "breakdowns", JsonValue::Kind::array, where), where);
    return;
  }
  add_accounts(member(user, "accounts", JsonValue::Kind::array, where), where);
  if (segment_ == Segment::insuranceSpending && user.find("missingInsuranceTypes"))
    add_missing(member(user, "missingInsuranceTypes", JsonValue::Kind::array, where), where);
}

void JobFigures::add_accounts(const JsonValue& accounts, const std::string& where) {
  for (const JsonValue& a : accounts.items) {
    text(a, "accountId", where);
    ++accounts_;
    switch (segment_) {
      case Segment::highBalance:
      case Segment::lowBalance:
        balances_.add(money(a, "amount", where));
        ++entries_;
        break;
      case Segment::incomeSpendingSummary:
        flows_.incoming_transactions += count(a, "incomingTransactions", where);
        flows_.outgoing_transactions += count(a, "outgoingTransactions", where);
        flows_.incoming.add(money(a, "incomingAmount", where));
        flows_.outgoing.add(money(a, "outgoingAmount", where));
        ++entries_;
        break;
      case Segment::insuranceSpending:
        for (const JsonValue& c : member(a, "insurances", JsonValue::Kind::array, where).items) {
          ++insurance_.contracts[{text(c, "insuranceType", where), text(c, "frequency", where)}];
          insurance_.amounts.add(money(c, "amount", where));
          ++entries_;
        }
        break;
      case Segment::financialBreakdown: break;
    }
  }
}

void JobFigures::add_breakdowns(const JsonValue& breakdowns, const std::string& where) {
  for (const JsonValue& b : breakdowns.items) {
    const std::string& group = text(b, "labelGroup", where);
    const auto it = std::find(groups_.begin(), groups_.end(), group);
    if (it == groups_.end()) bad(where, "labelGroup", "'" + group + "' is not a group of the job's request");
    GroupFigures& g = group_figures_[static_cast<std::size_t>(it - groups_.begin())];
    const auto& months = member(b, "months", JsonValue::Kind::array, where).items;
    if (months.size() != months_.size())
      bad(where, "months", std::to_string(months.size()) + " months, the window has " + std::to_string(months_.size()));
    for (std::size_t i = 0; i < months.size(); ++i) {
      if (text(months[i], "month", where) != months_[i]) bad(where, "month", "'" + months[i].find("month")->text + "', expected " + months_[i]);
      const Cents amount = money(months[i], "amount", where);
      g.monthly.add(amount);
      g.month_sums[i] = checked_add(g.month_sums[i], amount, "report: month sum");
    }
    ++g.users;
    ++entries_;
  }
}

void JobFigures::add_missing(const JsonValue& missing, const std::string& where) {
  for (const JsonValue& t : missing.items) {
    if (t.kind != JsonValue::Kind::string) bad(where, "missingInsuranceTypes", "holds a " + std::string(kind_name(t.kind)));
    ++insurance_.missing[t.text];
  }
  if (!missing.items.empty()) ++insurance_.users_missing_any;
}

void JobFigures::combine(const JobFigures& other) {
  users_ += other.users_;
  accounts_ += other.accounts_;
  entries_ += other.entries_;
  balances_.combine(other.balances_);
  flows_.incoming_transactions += other.flows_.incoming_transactions;
  flows_.outgoing_transactions += other.flows_.outgoing_transactions;
  flows_.incoming.combine(other.flows_.incoming);
  flows_.outgoing.combine(other.flows_.outgoing);
  for (std::size_t g = 0; g < group_figures_.size() && g < other.group_figures_.size(); ++g) {
    group_figures_[g].users += other.group_figures_[g].users;
    group_figures_[g].monthly.combine(other.group_figures_[g].monthly);
    for (std::size_t m = 0; m < group_figures_[g].month_sums.size(); ++m)
      group_figures_[g].month_sums[m] = checked_add(group_figures_[g].month_sums[m], other.group_figures_[g].month_sums[m], "report: month sum");
  }
  for (const auto& [key, n] : other.insurance_.contracts) insurance_.contracts[key] += n;
  insurance_.amounts.combine(other.insurance_.amounts);
  for (const auto& [type, n] : other.insurance_.missing) insurance_.missing[type] += n;
  insurance_.users_missing_any += other.insurance_.users_missing_any;
}

void ChangeFigures::add_user(const JsonValue& user, const std::string& where) {
  text(user, "userId", where);
  const std::string& status = text(user, "status", where);
  // Each status has its objects (docs/changes.md): entered "new", left "old", changed both and "changes".
  const bool has_old = status != "entered", has_new = status != "left";
  if (status != "entered" && status != "left" && status != "changed") bad(where, "status", "not entered, left or changed: " + status);
  if (has_old) member(user, "old", JsonValue::Kind::object, where);
  if (has_new) member(user, "new", JsonValue::Kind::object, where);
  if (!has_old || !has_new) {
    if (user.find(has_old ? "new" : "old")) bad(where, has_old ? "new" : "old", "present for a user who " + status);
    ++(has_old ? left : entered);
    return;
  }
  const JsonValue& changes = member(user, "changes", JsonValue::Kind::array, where);
  if (changes.items.empty()) bad(where, "changes", "empty for a changed user");
  for (const JsonValue& c : changes.items) {
    const std::string& kind = text(c, "change", where);
    if (kind == "added") ++added;
    else if (kind == "removed" || kind == "ended") ++removed;
    else if (kind == "moved" || kind == "repriced") ++moved;
    else bad(where, "change", "not added, removed, ended, moved or repriced: " + kind);
  }
  ++changed;
}

void ChangeFigures::combine(const ChangeFigures& o) {
  entered += o.entered;
  left += o.left;
  changed += o.changed;
  added += o.added;
  removed += o.removed;
  moved += o.moved;
}

}  // namespace finseg
