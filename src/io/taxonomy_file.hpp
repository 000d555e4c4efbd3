// Loads the label taxonomy data file (config/labels.json).
#pragma once

#include "core/taxonomy.hpp"

#include <filesystem>

namespace finseg {

// FINSEG_TAXONOMY if set, else the config folder the build was configured with.
std::filesystem::path default_taxonomy_path();

// Throws IoError when the file cannot be read, InputError when its content is invalid.
Taxonomy load_taxonomy(const std::filesystem::path& file);
inline Taxonomy load_default_taxonomy() { return load_taxonomy(default_taxonomy_path()); }

}  // namespace finseg
