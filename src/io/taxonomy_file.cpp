#include "io/taxonomy_file.hpp"

#include "core/errors.hpp"
#include "core/text_limits.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace finseg {

std::filesystem::path default_taxonomy_path() {
  if (const char* env = std::getenv("FINSEG_TAXONOMY"); env && *env) return env;
  return std::filesystem::path(FINSEG_CONFIG_DIR) / "labels.json";
}

Taxonomy load_taxonomy(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw IoError("cannot read label taxonomy " + file.string());
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (const auto deep = json_depth_error(text)) throw InputError(file.string() + ": not valid JSON: " + *deep);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file.string() + ": not valid JSON: " + e.what());
  }
  std::vector<LabelGroup> groups;
  try {
    for (const auto& g : doc.at("groups")) {
      LabelGroup group;
      group.name = g.at("group").get<std::string>();
      for (const auto& l : g.at("labels")) group.labels.push_back(l.get<std::string>());
      groups.push_back(std::move(group));
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file.string() + ": expected {\"groups\": [{\"group\": NAME, \"labels\": [NAME, ...]}, ...]}: " + e.what());
  }
  try {
    return Taxonomy(std::move(groups));
  } catch (const InputError& e) {
    throw InputError(file.string() + ": " + e.what());
  }
}

}  // namespace finseg
