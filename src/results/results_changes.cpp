#include "results/results_changes.hpp"

#include "core/errors.hpp"
#include "core/segments/json_text.hpp"

#include <algorithm>
#include <charconv>
#include <map>

namespace finseg {

namespace {

// One keyed item of a user's entries: an account, a label group or an insurance contract.
struct Item {
  std::string selector;  // what a rule's labelGroup / insuranceType matches ("" for accounts)
  std::string key_json;  // its identifying fields, as they appear in the change entry
  std::vector<std::int64_t> values;  // per segment_measures()
};

bool is_count(const std::string& measure) { return measure.size() > 12 && measure.substr(measure.size() - 12) == "Transactions"; }

const char* added_word(Segment) { return "added"; }
const char* removed_word(Segment s) { return s == Segment::insuranceSpending ? "ended" : "removed"; }
const char* moved_word(Segment s) { return s == Segment::insuranceSpending ? "repriced" : "moved"; }

[[noreturn]] void bad_shape(const std::string& why) { throw IoError("a user object of a result document: " + why); }

const JsonValue& member(const JsonValue& obj, const char* key, JsonValue::Kind kind) {
  const JsonValue* v = obj.kind == JsonValue::Kind::object ? obj.find(key) : nullptr;
  if (!v || v->kind != kind) bad_shape(std::string("no ") + kind_name(kind) + " '" + key + "'");
  return *v;
}

std::int64_t measure_value(const JsonValue& obj, const std::string& measure) {
  const JsonValue& v = member(obj, measure.c_str(), JsonValue::Kind::number);
  if (is_count(measure)) {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), n);
    if (ec != std::errc() || end != v.text.data() + v.text.size()) bad_shape("'" + measure + "' is not an integer: " + v.text);
    return n;
  }
  const MoneyParse m = parse_money(v.text);
  if (!m.ok()) bad_shape("'" + measure + "' is not money: " + v.text);
  return m.value;
}

void add_key(std::string& key_json, const char* name, const std::string& value) {
  if (!key_json.empty()) key_json += ',';
  append_json_key(key_json, name);
  append_json_string(key_json, value);
}

// The items of one user object, by a sort key (their identifying strings joined by NUL).
std::map<std::string, Item> items_of(Segment segment, std::string_view user_json) {
  JsonValue user;
  try {
    user = parse_json(std::string(user_json));
  } catch (const JsonParseError& e) {
    bad_shape(e.what());
  }
  const auto& measures = segment_measures(segment);
  std::map<std::string, Item> items;
  const auto fill = [&](const std::string& key, Item item, const JsonValue& values_of) {
    for (const auto& m : measures) item.values.push_back(measure_value(values_of, m));
    if (!items.emplace(key, std::move(item)).second) bad_shape("an item is listed twice");
  };
  if (segment == Segment::financialBreakdown) {
    for (const auto& b : member(user, "breakdowns", JsonValue::Kind::array).items) {
      const std::string& group = member(b, "labelGroup", JsonValue::Kind::string).text;
      Item item{group, {}, {}};
      add_key(item.key_json, "labelGroup", group);
      fill(group, std::move(item), b);
    }
    return items;
  }
  for (const auto& a : member(user, "accounts", JsonValue::Kind::array).items) {
    const std::string& account = member(a, "accountId", JsonValue::Kind::string).text;
    if (segment != Segment::insuranceSpending) {
      Item item{"", {}, {}};
      add_key(item.key_json, "accountId", account);
      fill(account, std::move(item), a);
      continue;
    }
    for (const auto& c : member(a, "insurances", JsonValue::Kind::array).items) {
      const std::string& provider = member(c, "provider", JsonValue::Kind::string).text;
      const std::string& type = member(c, "insuranceType", JsonValue::Kind::string).text;
      Item item{type, {}, {}};
      add_key(item.key_json, "accountId", account);
      add_key(item.key_json, "provider", provider);
      add_key(item.key_json, "insuranceType", type);
      fill(account + '\0' + provider + '\0' + type, std::move(item), c);
    }
  }
  return items;
}

bool moved_enough(const ChangeRule& rule, std::int64_t old_value, std::int64_t new_value) {
  const Int128 d = static_cast<Int128>(new_value) - old_value;
  const Int128 change = d < 0 ? -d : d;
  if (change == 0 || change < rule.min_change) return false;
  if (rule.min_percent_hundredths == 0 || old_value == 0) return true;
  const Int128 base = old_value < 0 ? -static_cast<Int128>(old_value) : static_cast<Int128>(old_value);
  return change * 10000 >= static_cast<Int128>(rule.min_percent_hundredths) * base;
}

void append_value(std::string& out, const std::string& measure, std::int64_t v) {
  if (is_count(measure)) out += std::to_string(v);
  else append_json_money(out, v);
}

}  // namespace

const std::vector<std::string>& segment_measures(Segment segment) {
  static const std::vector<std::string> amount = {"amount"};
  static const std::vector<std::string> breakdown = {"total", "average"};
  static const std::vector<std::string> income = {"incomingAmount", "outgoingAmount", "incomingTransactions", "outgoingTransactions"};
  switch (segment) {
    case Segment::financialBreakdown: return breakdown;
    case Segment::incomeSpendingSummary: return income;
    default: return amount;
  }
}

std::string ChangeRules::compare(std::string_view old_user, std::string_view new_user) const {
  const auto before = items_of(segment_, old_user);
  const auto after = items_of(segment_, new_user);
  const auto& measures = segment_measures(segment_);
  const auto selects = [](const ChangeRule& r, const Item& item) { return !r.selector || *r.selector == item.selector; };
  std::string out;
  const auto entry = [&](const Item& item, const char* kind) {
    out += out.empty() ? "[{" : ",{";
    out += item.key_json;
    out += ",\"change\":\"";
    out += kind;
    out += '"';
  };
  std::vector<std::string> keys;
  for (const auto& [k, v] : before) keys.push_back(k);
  for (const auto& [k, v] : after)
    if (!before.count(k)) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  for (const auto& key : keys) {
    const auto o = before.find(key), n = after.find(key);
    if (o == before.end() || n == after.end()) {
      const bool is_added = o == before.end();
      const Item& item = is_added ? n->second : o->second;
      const bool fires = std::any_of(rules_.begin(), rules_.end(), [&](const ChangeRule& r) {
        return selects(r, item) && (is_added ? r.added : r.removed);
      });
      if (fires) {
        entry(item, is_added ? added_word(segment_) : removed_word(segment_));
        out += '}';
      }
      continue;
    }
    for (std::size_t m = 0; m < measures.size(); ++m) {
      const std::int64_t ov = o->second.values[m], nv = n->second.values[m];
      const bool fires = std::any_of(rules_.begin(), rules_.end(), [&](const ChangeRule& r) {
        return selects(r, o->second) && r.moved && (!r.measure || *r.measure == measures[m]) && moved_enough(r, ov, nv);
      });
      if (!fires) continue;
      entry(o->second, moved_word(segment_));
      out += ",\"measure\":\"" + measures[m] + "\",\"old\":";
      append_value(out, measures[m], ov);
      out += ",\"new\":";
      append_value(out, measures[m], nv);
      out += '}';
    }
  }
  if (!out.empty()) out += ']';
  return out;
}

}  // namespace finseg

namespace finseg {

namespace {

std::int64_t threshold_number(const JsonValue& v, const std::string& where, bool count) {
  if (v.kind != JsonValue::Kind::number) throw UsageError(where + ": must be a number, got " + to_json_text(v));
  const MoneyParse m = parse_money(v.text);
  if (!m.ok() || m.value < 0)
    throw UsageError(where + ": must be a number >= 0 with at most 2 fraction digits, got " + v.text);
  if (count && m.value % 100 != 0) throw UsageError(where + ": a count measure moves by whole numbers, got " + v.text);
  return count ? m.value / 100 : m.value;
}

ChangeRule parse_rule(Segment segment, const JsonValue& v, const std::vector<std::string>& label_groups, const std::string& where) {
  if (v.kind != JsonValue::Kind::object) throw UsageError(where + ": must be a JSON object, got " + to_json_text(v));
  const char* selector = segment == Segment::financialBreakdown ? "labelGroup"
                         : segment == Segment::insuranceSpending ? "insuranceType" : nullptr;
  const auto& measures = segment_measures(segment);
  ChangeRule rule;
  if (const JsonValue* value = v.find("measure")) {
    const std::string field = where + ".measure";
    if (value->kind != JsonValue::Kind::string || std::find(measures.begin(), measures.end(), value->text) == measures.end()) {
      std::string all;
      for (const auto& m : measures) all += (all.empty() ? "" : ", ") + m;
      throw UsageError(field + ": must be one of " + all + ", got " + to_json_text(*value));
    }
    rule.measure = value->text;
  }
  for (const auto& [key, value] : v.members) {
    const std::string field = where + "." + key;
    if (selector && key == selector) {
      if (value.kind != JsonValue::Kind::string || value.text.empty()) throw UsageError(field + ": must be a non-empty string");
      if (segment == Segment::financialBreakdown && std::find(label_groups.begin(), label_groups.end(), value.text) == label_groups.end())
        throw UsageError(field + ": '" + value.text + "' is not one of the jobs' labelGroups");
      rule.selector = value.text;
    } else if (key == "measure") {
      continue;  // read first, above: minChange depends on it
    } else if (key == "minChange") {
      if (!rule.measure && segment == Segment::incomeSpendingSummary)
        throw UsageError(field + ": give a measure with it (incomeSpendingSummary has money and count measures)");
      rule.min_change = std::max<std::int64_t>(1, threshold_number(value, field, rule.measure && is_count(*rule.measure)));
    } else if (key == "minChangePercent") {
      rule.min_percent_hundredths = threshold_number(value, field, false);
    } else if (key == "changes") {
      if (value.kind != JsonValue::Kind::array || value.items.empty()) throw UsageError(field + ": must be a non-empty array");
      rule.added = rule.removed = rule.moved = false;
      const std::string removed = segment == Segment::insuranceSpending ? "ended" : "removed";
      const std::string moved = segment == Segment::insuranceSpending ? "repriced" : "moved";
      for (const auto& kind : value.items) {
        if (kind.kind == JsonValue::Kind::string && kind.text == "added") rule.added = true;
        else if (kind.kind == JsonValue::Kind::string && kind.text == removed) rule.removed = true;
        else if (kind.kind == JsonValue::Kind::string && kind.text == moved) rule.moved = true;
        else throw UsageError(field + ": each must be \"added\", \"" + removed + "\" or \"" + moved + "\", got " + to_json_text(kind));
      }
    } else {
      throw UsageError(field + ": unknown field for " + std::string(to_string(segment)) +
                       " (" + (selector ? std::string(selector) + ", " : std::string()) + "measure, minChange, minChangePercent, changes)");
    }
  }
  return rule;
}

}  // namespace

ChangeRules::ChangeRules(Segment segment, const std::vector<JsonValue>& rules, const std::vector<std::string>& label_groups,
                         const std::string& source)
    : segment_(segment) {
  for (std::size_t i = 0; i < rules.size(); ++i)
    rules_.push_back(parse_rule(segment, rules[i], label_groups, source + "[" + std::to_string(i) + "]"));
  if (rules_.empty()) rules_.push_back(ChangeRule{});
}

std::string ChangeRules::json() const {
  std::string out = "[";
  for (const auto& r : rules_) {
    if (out.size() > 1) out += ',';
    out += '{';
    if (r.selector) {
      append_json_key(out, segment_ == Segment::financialBreakdown ? "labelGroup" : "insuranceType");
      append_json_string(out, *r.selector);
      out += ',';
    }
    if (r.measure) {
      append_json_key(out, "measure");
      append_json_string(out, *r.measure);
      out += ',';
    }
    append_json_key(out, "minChange");
    if (r.measure && is_count(*r.measure)) out += std::to_string(r.min_change);
    else append_json_money(out, r.min_change);
    if (r.min_percent_hundredths > 0) {
      out += ',';
      append_json_key(out, "minChangePercent");
      append_json_money(out, r.min_percent_hundredths);
    }
    out += ",\"changes\":[";
    std::string kinds;
    if (r.added) kinds += ",\"added\"";
    if (r.removed) kinds += std::string(",\"") + removed_word(segment_) + '"';
    if (r.moved) kinds += std::string(",\"") + moved_word(segment_) + '"';
    out += kinds.substr(1) + "]}";
  }
  return out + "]";
}

}  // namespace finseg
