// The job/request JSON parser (results/json_value.hpp): its nesting limit is a property of the parser,
// so every caller (job files, request bodies, fuzz targets) gets it.
#include "core/text_limits.hpp"
#include "results/json_value.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace finseg;

namespace {
std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }
}  // namespace

TEST(JsonValue, NestingUpToTheLimitParsesAndPrintsBack) {
  const std::string text = nested(kJsonMaxDepth);
  EXPECT_EQ(to_json_text(parse_json(text)), text);
}

TEST(JsonValue, DeeperNestingIsAParseErrorNotACrash) {
  for (const std::size_t depth : {kJsonMaxDepth + 1, std::size_t{400000}}) {
    try {
      parse_json(nested(depth));
      FAIL() << "depth " << depth << " was accepted";
    } catch (const JsonParseError& e) {
      EXPECT_STREQ(e.what(), "invalid JSON: nested deeper than 64 levels at byte 64");
    }
  }
  // unclosed, as a hostile body would be, and objects as well as arrays
  EXPECT_THROW(parse_json(std::string(500000, '[')), JsonParseError);
  std::string objects;
  for (int i = 0; i < 100; ++i) objects += "{\"a\":";
  EXPECT_THROW(parse_json(objects), JsonParseError);
}

TEST(JsonValue, BracketsInsideStringsDoNotCount) {
  const std::string text = "{\"s\":\"" + std::string(1000, '[') + "\"}";
  EXPECT_EQ(parse_json(text).find("s")->text, std::string(1000, '['));
}
