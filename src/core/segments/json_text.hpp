// Minimal JSON text output for result documents: deterministic bytes, no DOM.
#pragma once

#include "core/money.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace finseg {

// Appends `s` as a JSON string literal: '"' and '\\' backslash-escaped, control characters
// (< 0x20) as \u00XX, every other byte (UTF-8 included) passed through unchanged.
void append_json_string(std::string& out, std::string_view s);

// Appends `"key":` (key must not need escaping).
inline void append_json_key(std::string& out, std::string_view key) {
  out += '"';
  out += key;
  out += "\":";
}

void append_json_uint(std::string& out, std::uint64_t value);

// Money as a JSON number with two fraction digits: 1250 -> 12.50, never -0.00. The same bytes as
// append_money (money.hpp), two digits per step: documents print a lot of money.
void append_json_money(std::string& out, Cents value);

}  // namespace finseg
