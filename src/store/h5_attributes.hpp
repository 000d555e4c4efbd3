// Root attributes of a shard file: scalars and fixed-length string arrays (NUL-terminated
// UTF-8), which h5dump prints as text and h5py returns as bytes.
#pragma once

#include "store/h5_handle.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace finseg::h5 {

void write_uint64_attribute(hid_t loc, const char* name, std::uint64_t value, const Context& ctx);
void write_int32_attribute(hid_t loc, const char* name, std::int32_t value, const Context& ctx);
void write_string_attribute(hid_t loc, const char* name, const std::string& value, const Context& ctx);
void write_strings_attribute(hid_t loc, const char* name, const std::vector<std::string>& values, const Context& ctx);

std::uint64_t read_uint64_attribute(hid_t loc, const char* name, const Context& ctx);
std::int32_t read_int32_attribute(hid_t loc, const char* name, const Context& ctx);
std::string read_string_attribute(hid_t loc, const char* name, const Context& ctx);
std::vector<std::string> read_strings_attribute(hid_t loc, const char* name, const Context& ctx);
// Whether `loc` has the attribute (for attributes added after a format version: old files lack them).
bool has_attribute(hid_t loc, const char* name, const Context& ctx);

}  // namespace finseg::h5
