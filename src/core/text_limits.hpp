// Checks on untrusted text before it is parsed, stored or logged: JSON nesting depth and UTF-8.
// Pure functions over bytes, so that every parser of the project (our JSON tree, nlohmann's DOM)
// and every writer (logs, error bodies) applies the same rule.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace finseg {

// The deepest nesting of arrays/objects any finseg JSON input may have. Our documents need 3;
// without a bound, 400,000 nested '[' overflow the stack of every recursive walk of the tree.
inline constexpr std::size_t kJsonMaxDepth = 64;

// The byte offset of the first '[' or '{' (outside strings) that opens level max_depth + 1, or
// nullopt. A scan, not a parser: on a valid prefix of JSON its depth is the parser's depth, and a
// parser stops at the first invalid byte, so it never nests deeper than this scan allows.
std::optional<std::size_t> json_too_deep_at(std::string_view text, std::size_t max_depth = kJsonMaxDepth) noexcept;

// "nested deeper than 64 levels at byte N" when json_too_deep_at finds something, else nullopt.
std::optional<std::string> json_depth_error(std::string_view text, std::size_t max_depth = kJsonMaxDepth);

// The byte offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or nullopt when all of `text` is valid.
std::optional<std::size_t> invalid_utf8_at(std::string_view text) noexcept;
// True when every byte of `text` is ASCII (below 0x80), so it is well-formed UTF-8.
bool is_ascii(std::string_view text) noexcept;

// `text` made safe for a one-line log: control characters (C0, DEL), '\\' and bytes that are not
// well-formed UTF-8 become \xNN (and '\\' becomes "\\\\"), so no input can start a line of its own.
std::string escape_for_log(std::string_view text);

}  // namespace finseg
