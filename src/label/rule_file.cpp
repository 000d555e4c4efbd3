#include "label/rule_file.hpp"

#include "core/errors.hpp"
#include "label/config_json.hpp"

#include <set>

namespace finseg {

namespace {

using nlohmann::json;

std::string rule_ref(std::size_t index, const std::string& name) {
  return "rule #" + std::to_string(index + 1) + (name.empty() ? std::string() : " '" + name + "'");
}

std::string type_name(const json& v) { return v.type_name(); }

LabelRule parse_rule(const json& r, std::size_t index) {
  if (!r.is_object()) throw InputError(rule_ref(index, "") + ": expected an object, got " + type_name(r));
  LabelRule rule;
  if (const auto it = r.find("name"); it != r.end() && it->is_string()) rule.name = it->get<std::string>();
  const std::string where = rule_ref(index, rule.name);
  auto fail = [&](const std::string& why) { throw InputError(where + ": " + why); };
  if (rule.name.empty()) fail("\"name\" must be a non-empty string");

  bool has_labels = false;
  for (const auto& [key, value] : r.items()) {
    if (key == "name" || key == "comment") continue;
    if (key == "labels") {
      if (!value.is_array()) fail("\"labels\" must be an array of label names");
      for (const auto& l : value) {
        if (!l.is_string()) fail("\"labels\" must be an array of label names");
        rule.labels.push_back(l.get<std::string>());
      }
      has_labels = true;
    } else if (key == "amount") {
      const std::string sign = value.is_string() ? value.get<std::string>() : "";
      if (sign == "incoming") rule.amount = AmountSign::incoming;
      else if (sign == "outgoing") rule.amount = AmountSign::outgoing;
      else if (sign == "any") rule.amount = AmountSign::any;
      else fail("\"amount\" must be \"incoming\", \"outgoing\" or \"any\"");
    } else if (key == "caseSensitive") {
      if (!value.is_boolean()) fail("\"caseSensitive\" must be true or false");
      rule.case_sensitive = value.get<bool>();
    } else if (key == "priority") {
      if (!value.is_number_integer()) fail("\"priority\" must be an integer");
      const auto p = value.get<std::int64_t>();
      if (p < -1000000 || p > 1000000) fail("\"priority\" must lie in -1000000..1000000");
      rule.priority = static_cast<int>(p);
    } else {
      bool field = false;
      for (std::size_t f = 0; f < kRuleFields; ++f) {
        if (key != kRuleFieldNames[f]) continue;
        if (!value.is_string() || value.get<std::string>().empty()) fail("\"" + key + "\" must be a non-empty regular expression");
        rule.patterns[f] = value.get<std::string>();
        field = true;
      }
      if (!field)
        fail("unknown key \"" + key + "\" (known: name, comment, labels, purpose, counterpartName, counterpartIban, text, "
             "amount, caseSensitive, priority)");
    }
  }
  if (!has_labels) fail("\"labels\" is missing (use [] for a rule that keeps transactions unlabelled)");
  bool any_pattern = false;
  for (const auto& p : rule.patterns) any_pattern = any_pattern || p.has_value();
  if (!any_pattern) fail("no pattern: give at least one of purpose, counterpartName, counterpartIban, text");
  return rule;
}

}  // namespace

std::filesystem::path default_label_rules_path(const std::filesystem::path& taxonomy_file) {
  return taxonomy_file.parent_path() / "label-rules.json";
}

std::filesystem::path default_label_classifier_path(const std::filesystem::path& taxonomy_file) {
  return taxonomy_file.parent_path() / "label-classifier.bin";
}

std::vector<LabelRule> parse_label_rules(std::string_view json_text, const std::string& source) {
  const json doc = parse_config_json(json_text, source);
  std::vector<LabelRule> rules;
  try {
    if (!doc.is_object()) throw InputError("expected {\"rules\": [...]}");
    for (const auto& [key, value] : doc.items())
      if (key != "rules" && key != "comment") throw InputError("unknown top-level key \"" + key + "\" (known: comment, rules)");
    const auto it = doc.find("rules");
    if (it == doc.end() || !it->is_array()) throw InputError("expected {\"rules\": [...]}");
    std::set<std::string> names;
    for (std::size_t i = 0; i < it->size(); ++i) {
      LabelRule rule = parse_rule((*it)[i], i);
      if (!names.insert(rule.name).second) throw InputError(rule_ref(i, rule.name) + ": duplicate rule name");
      rules.push_back(std::move(rule));
    }
  } catch (const InputError& e) {
    throw InputError(source + ": " + e.what());
  }
  return rules;
}

std::vector<LabelRule> load_label_rules(const std::filesystem::path& file) {
  return parse_label_rules(read_config_text(file, "label rules"), file.string());
}

}  // namespace finseg
