// Plain-file helpers of the store: whole-file CRC32 and the rule for shard file names in a
// manifest (fsync and atomic small-file writes: io/atomic_file.hpp).
#pragma once

#include "store/store.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace finseg {

// "crc32:xxxxxxxx" (zlib's CRC-32, lowercase hex) of a byte string / of a whole file.
std::string crc32_text(std::uint32_t crc);
std::uint32_t crc32_of(std::string_view bytes) noexcept;
// Throws IoError when the file cannot be read.
std::uint32_t crc32_of_file(const std::filesystem::path& file);

// A shard file name in a manifest is a plain name in the store folder: non-empty, no '/',
// '\\' or NUL, not "." or "..". Empty string when fine, else why not.
std::string shard_file_name_problem(std::string_view name);

// Size (and, with whole_file_checksum, the CRC-32 of the whole file) of a shard file against its
// manifest entry; throws StoreError naming the full path: missing, truncated (N of M bytes),
// longer than recorded, checksum mismatch.
void verify_shard_file(const std::filesystem::path& file, const ShardInfo& shard, bool whole_file_checksum);

}  // namespace finseg
