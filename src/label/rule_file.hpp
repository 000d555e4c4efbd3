// Reads the labelling rules data file (config/label-rules.json; format in docs/labeller.md).
#pragma once

#include "label/label_rule.hpp"

#include <filesystem>
#include <string_view>
#include <vector>

namespace finseg {

// The rules file that belongs to a taxonomy file: label-rules.json in the same folder.
std::filesystem::path default_label_rules_path(const std::filesystem::path& taxonomy_file);
// label-classifier.bin beside the taxonomy: the classifier shipped with finseg (docs/labeller.md).
std::filesystem::path default_label_classifier_path(const std::filesystem::path& taxonomy_file);

// Parses the JSON text of a rules file; `source` names it in error messages. Throws InputError
// on invalid JSON, unknown keys, wrong types, a rule without a pattern or a duplicate rule name.
// Label names and patterns are checked when a Labeller compiles the rules.
std::vector<LabelRule> parse_label_rules(std::string_view json_text, const std::string& source);

// Throws IoError when the file cannot be read, InputError when its content is invalid.
std::vector<LabelRule> load_label_rules(const std::filesystem::path& file);

}  // namespace finseg
