// The checks on untrusted text (core/text_limits.hpp): JSON nesting depth, UTF-8, log escaping.
#include "core/text_limits.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace finseg;

TEST(JsonDepth, CountsArraysAndObjectsOutsideStrings) {
  EXPECT_FALSE(json_too_deep_at(R"({"a": [[1], {"b": [2]}]})", 4));
  EXPECT_EQ(json_too_deep_at(R"({"a": [[1], {"b": [2]}]})", 3), 18u);
  EXPECT_EQ(json_too_deep_at(R"({"a": [[1], {"b": [[2]]}]})", 4), 19u);
  EXPECT_FALSE(json_too_deep_at(R"(["[[[[", "{{{{\"[[[["])", 1));  // brackets in strings, escaped quotes
  EXPECT_EQ(json_too_deep_at(R"(["\\", [1]])", 1), 7u);           // an escaped backslash ends nothing
  EXPECT_FALSE(json_too_deep_at("]]]][", 1));                      // invalid anyway; never negative
  EXPECT_FALSE(json_too_deep_at(std::string(64, '[')));
  EXPECT_EQ(json_too_deep_at(std::string(400000, '[')), 64u);
  EXPECT_EQ(json_depth_error(std::string(65, '{')), "nested deeper than 64 levels at byte 64");
  EXPECT_FALSE(json_depth_error("[1, 2]"));
}

TEST(Utf8, AcceptsWellFormedAndFindsTheFirstBadByte) {
  EXPECT_FALSE(invalid_utf8_at(""));
  EXPECT_FALSE(invalid_utf8_at("plain ascii"));
  EXPECT_FALSE(invalid_utf8_at("Gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x92\xb6 \xf4\x8f\xbf\xbf"));  // ü ß € 💶 U+10FFFF
  EXPECT_EQ(invalid_utf8_at("user-\xff"), 5u);
  EXPECT_EQ(invalid_utf8_at("ab\xc3"), 2u);               // truncated
  EXPECT_EQ(invalid_utf8_at("\xc0\xaf"), 0u);             // overlong '/'
  EXPECT_EQ(invalid_utf8_at("\xe0\x80\xaf"), 0u);         // overlong, 3 bytes
  EXPECT_EQ(invalid_utf8_at("x\xed\xa0\x80"), 1u);        // a surrogate
  EXPECT_EQ(invalid_utf8_at("\xf4\x90\x80\x80"), 0u);     // above U+10FFFF
  EXPECT_EQ(invalid_utf8_at("\xe2\x82x"), 0u);            // a bad continuation byte
  EXPECT_EQ(invalid_utf8_at("ok\x80"), 2u);               // a lone continuation byte
}

TEST(LogEscape, NoInputStartsALineOfItsOwn) {
  EXPECT_EQ(escape_for_log("GET /segments/x 404"), "GET /segments/x 404");
  EXPECT_EQ(escape_for_log("/x\n2030-01-01 forged\r"), "/x\\x0a2030-01-01 forged\\x0d");
  EXPECT_EQ(escape_for_log("a\\x0a"), "a\\\\x0a");  // a literal "\x0a" stays distinguishable
  EXPECT_EQ(escape_for_log(std::string("nul\0tab\tdel\x7f", 12)), "nul\\x00tab\\x09del\\x7f");
  EXPECT_EQ(escape_for_log("caf\xc3\xa9 \xff\xc3"), "caf\xc3\xa9 \\xff\\xc3");
}
