#include "results/json_value.hpp"

#include "core/segments/json_text.hpp"
#include "core/text_limits.hpp"

#include <nlohmann/json.hpp>

namespace finseg {

JsonValue::JsonValue() = default;
JsonValue::JsonValue(const JsonValue&) = default;
JsonValue::JsonValue(JsonValue&&) noexcept = default;
JsonValue& JsonValue::operator=(const JsonValue&) = default;
JsonValue& JsonValue::operator=(JsonValue&&) noexcept = default;
JsonValue::~JsonValue() = default;

const char* kind_name(JsonValue::Kind k) noexcept {
  switch (k) {
    case JsonValue::Kind::null: return "null";
    case JsonValue::Kind::boolean: return "boolean";
    case JsonValue::Kind::number: return "number";
    case JsonValue::Kind::string: return "string";
    case JsonValue::Kind::array: return "array";
    case JsonValue::Kind::object: return "object";
  }
  return "?";
}

namespace {

// nlohmann's SAX interface hands over each number's source text for floats; integers are
// re-printed exactly (they are integers already).
class TreeBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  JsonValue root;

  bool null() override { return put(JsonValue{}); }
  bool boolean(bool v) override {
    JsonValue j;
    j.kind = JsonValue::Kind::boolean;
    j.boolean = v;
    return put(std::move(j));
  }
  bool number_integer(number_integer_t v) override { return number(std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(std::to_string(v)); }
  bool number_float(number_float_t, const string_t& s) override { return number(s); }
  bool string(string_t& s) override {
    JsonValue j;
    j.kind = JsonValue::Kind::string;
    j.text = std::move(s);
    return put(std::move(j));
  }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override {
    JsonValue j;
    j.kind = JsonValue::Kind::object;
    return open(std::move(j));
  }
  bool key(string_t& k) override {
    JsonValue& obj = *stack_.back();
    if (obj.find(k)) throw JsonParseError("duplicate key '" + k + "'");
    obj.members.emplace_back(std::move(k), JsonValue{});
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    JsonValue j;
    j.kind = JsonValue::Kind::array;
    return open(std::move(j));
  }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    throw JsonParseError("invalid JSON at byte " + std::to_string(position) + ": " + ex.what());
  }

 private:
  std::vector<JsonValue*> stack_;

  bool number(std::string s) {
    JsonValue j;
    j.kind = JsonValue::Kind::number;
    j.text = std::move(s);
    return put(std::move(j));
  }
  JsonValue* slot() {
    if (stack_.empty()) return &root;
    JsonValue& parent = *stack_.back();
    if (parent.kind == JsonValue::Kind::array) {
      parent.items.emplace_back();
      return &parent.items.back();
    }
    return &parent.members.back().second;
  }
  bool put(JsonValue v) {
    *slot() = std::move(v);
    return true;
  }
  bool open(JsonValue v) {
    JsonValue* s = slot();
    *s = std::move(v);
    stack_.push_back(s);
    return true;
  }
};

}  // namespace

JsonValue parse_json(const std::string& text) {
  // Before the parse: the tree, its destructor and to_json_text recurse once per level.
  if (const auto deep = json_depth_error(text)) throw JsonParseError("invalid JSON: " + *deep);
  TreeBuilder builder;
  if (!nlohmann::json::sax_parse(text, &builder)) throw JsonParseError("invalid JSON");
  return std::move(builder.root);
}

namespace {
void append(std::string& out, const JsonValue& v) {
  switch (v.kind) {
    case JsonValue::Kind::null: out += "null"; break;
    case JsonValue::Kind::boolean: out += v.boolean ? "true" : "false"; break;
    case JsonValue::Kind::number: out += v.text; break;
    case JsonValue::Kind::string: append_json_string(out, v.text); break;
    case JsonValue::Kind::array:
      out += '[';
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ',';
        append(out, v.items[i]);
      }
      out += ']';
      break;
    case JsonValue::Kind::object:
      out += '{';
      for (std::size_t i = 0; i < v.members.size(); ++i) {
        if (i) out += ',';
        append_json_string(out, v.members[i].first);
        out += ':';
        append(out, v.members[i].second);
      }
      out += '}';
      break;
  }
}
}  // namespace

std::string to_json_text(const JsonValue& v) {
  std::string out;
  append(out, v);
  return out;
}

}  // namespace finseg
