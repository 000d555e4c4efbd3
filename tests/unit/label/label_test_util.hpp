// Shared by the labeller tests: the default taxonomy and the default rules file of config/.
#pragma once

#include "label/labeller.hpp"
#include "label/rule_file.hpp"
#include "io/taxonomy_file.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace finseg::test {

inline const Taxonomy& taxonomy() {
  static const Taxonomy t = load_taxonomy(std::filesystem::path(FINSEG_SOURCE_DIR) / "config/labels.json");
  return t;
}

inline std::filesystem::path default_rules_file() {
  return default_label_rules_path(std::filesystem::path(FINSEG_SOURCE_DIR) / "config/labels.json");
}

inline const Labeller& default_labeller() {
  static const Labeller l = load_labeller(default_rules_file(), taxonomy());
  return l;
}

// The labels of one transaction as the taxonomy spells them ("" when unlabelled).
inline std::string label_names(std::string_view purpose, std::string_view name = "", double euros = -10.0,
                               std::string_view iban = "") {
  const auto cents = static_cast<Cents>(euros * 100.0 + (euros < 0 ? -0.5 : 0.5));
  return taxonomy().format(default_labeller().label({purpose, name, iban, cents}));
}

}  // namespace finseg::test
