// Reading the labeller's JSON data files (config/label-rules.json, config/label-brands.json): one
// place for the errors they share, so both name the file the same way.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace finseg {

// The whole file; IoError "cannot read <what> <file>" when it cannot be read.
std::string read_config_text(const std::filesystem::path& file, const std::string& what);

// The JSON document; InputError "<source>: not valid JSON: ..." on a syntax error or nesting deeper
// than the project's limit (core/text_limits.hpp).
nlohmann::json parse_config_json(std::string_view text, const std::string& source);

}  // namespace finseg
