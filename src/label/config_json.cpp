#include "label/config_json.hpp"

#include "core/errors.hpp"
#include "core/text_limits.hpp"

#include <fstream>
#include <sstream>

namespace finseg {

std::string read_config_text(const std::filesystem::path& file, const std::string& what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot read " + what + " " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError("cannot read " + what + " " + file.string());
  return text.str();
}

nlohmann::json parse_config_json(std::string_view text, const std::string& source) {
  if (const auto deep = json_depth_error(text)) throw InputError(source + ": not valid JSON: " + *deep);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source + ": not valid JSON: " + e.what());
  }
}

}  // namespace finseg
