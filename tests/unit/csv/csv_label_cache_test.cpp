// The label cache of the row checks (csv_checks.hpp) gives exactly what Taxonomy::parse gives,
// also when far more distinct cells than its slots come by (they collide and are parsed again),
// and never caches an invalid cell's error in place of a valid one.
#include "csv/csv_checks.hpp"
#include "csv_test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace finseg {
namespace {

TEST(LabelCache, GivesWhatTheTaxonomyParsesWhateverTheNumberOfDistinctCells) {
  const Taxonomy& tax = test::taxonomy();
  std::vector<std::string> cells;
  const auto& names = tax.names();
  for (std::size_t i = 0; i < names.size() && cells.size() < 6000; ++i)
    for (std::size_t j = 0; j < names.size(); ++j)
      for (std::size_t k = 0; k < names.size(); ++k) cells.push_back(names[i] + ";" + names[j] + ";" + names[k]);
  cells.push_back("NO_SUCH_LABEL");
  cells.push_back(names[0] + ";;");
  ASSERT_GT(cells.size(), std::size_t{4096});  // more than the cache's slots
  csv::LabelCache cache(tax);
  for (int round = 0; round < 2; ++round) {
    for (const std::string& cell : cells) {
      const std::string copy = cell;  // the cache must not keep a view of the caller's bytes
      const Taxonomy::Parsed& got = cache.parse(copy);
      const Taxonomy::Parsed want = tax.parse(cell);
      ASSERT_EQ(got.set, want.set) << cell;
      ASSERT_EQ(got.error, want.error) << cell;
    }
    if (round == 0) cache.clear();
  }
  EXPECT_EQ(cache.parse("").set, LabelSet{0});
}

}  // namespace
}  // namespace finseg
