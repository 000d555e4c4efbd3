// One labelling rule as a bank writes it in config/label-rules.json (docs/labeller.md): the
// labels it assigns, a pattern per text field it looks at (all must match), an optional sign
// condition on the amount and a priority. Plain data: rule_file.cpp reads it, Labeller compiles it.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace finseg {

// The text a condition looks at. `text` is purpose OR counterpartName (either may match).
enum class RuleField : int { purpose = 0, counterpart_name = 1, counterpart_iban = 2, text = 3 };
inline constexpr std::size_t kRuleFields = 4;
// The spelling in the rules file.
inline constexpr std::array<std::string_view, kRuleFields> kRuleFieldNames = {"purpose", "counterpartName",
                                                                              "counterpartIban", "text"};

// amount > 0 is incoming, amount < 0 outgoing; a zero amount satisfies only `any`.
enum class AmountSign { any, incoming, outgoing };

struct LabelRule {
  std::string name;                 // unique; named in error messages
  std::vector<std::string> labels;  // taxonomy names; empty: matching transactions stay unlabelled
  std::array<std::optional<std::string>, kRuleFields> patterns;  // by RuleField; at least one
  AmountSign amount = AmountSign::any;
  bool case_sensitive = false;
  int priority = 0;  // of the matching rules only those with the highest priority assign labels
};

}  // namespace finseg
