// The store manifest reader bounds JSON nesting like every other JSON parser of finseg.
#include "core/errors.hpp"
#include "store/store_manifest.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace finseg;

TEST(StoreManifest, NestingDeeperThan64LevelsIsABadStore) {
  const std::string deep = "{\"format\": " + std::string(300000, '[') + std::string(300000, ']') + "}";
  try {
    parse_manifest(deep, "s/manifest.json");
    FAIL() << "a manifest nested 300,000 deep was accepted";
  } catch (const StoreError& e) {
    EXPECT_STREQ(e.what(), "s/manifest.json: not valid JSON: nested deeper than 64 levels at byte 74");
  }
}
