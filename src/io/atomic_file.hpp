// Files and folders that appear complete or not at all: written aside, fsynced, renamed.
#pragma once

#include <filesystem>
#include <string>

namespace finseg {

// Writes `content` to `path` through a sibling temporary file and rename(2). Throws IoError.
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

// fsync a file or a folder (a folder after a rename inside it). Throws IoError.
void fsync_path(const std::filesystem::path& path);

// Reads a whole file; throws IoError naming it.
std::string read_file(const std::filesystem::path& path);

}  // namespace finseg
