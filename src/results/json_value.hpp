// A JSON tree that keeps the source text of every number, so that money and integers are
// validated from what the client wrote ("3.0" is an integer, "1.234" has three fraction digits)
// and never pass through a double. Duplicate object keys are a parse error.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace finseg {

struct JsonValue {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  std::string text;  // number: its source text; string: its value
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;  // in source order

  // Declared here, defined (defaulted) in the .cpp: clang with libstdc++ cannot instantiate the
  // implicit ones while pair<string, JsonValue> is being instantiated inside this class.
  JsonValue();
  JsonValue(const JsonValue&);
  JsonValue(JsonValue&&) noexcept;
  JsonValue& operator=(const JsonValue&);
  JsonValue& operator=(JsonValue&&) noexcept;
  ~JsonValue();

  const JsonValue* find(const std::string& key) const {
    for (const auto& [k, v] : members)
      if (k == key) return &v;
    return nullptr;
  }
};

const char* kind_name(JsonValue::Kind k) noexcept;

struct JsonParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws JsonParseError with position and reason on malformed JSON, a duplicate key or nesting
// deeper than kJsonMaxDepth (core/text_limits.hpp).
JsonValue parse_json(const std::string& text);

// Compact re-serialization (numbers as written), for echoing a request into a manifest.
std::string to_json_text(const JsonValue& v);

}  // namespace finseg
