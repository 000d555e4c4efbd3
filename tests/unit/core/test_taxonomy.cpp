#include "core/errors.hpp"
#include "core/taxonomy.hpp"
#include "io/taxonomy_file.hpp"

#include <gtest/gtest.h>

using namespace finseg;

namespace {
Taxonomy table() { return load_taxonomy(std::filesystem::path(FINSEG_SOURCE_DIR) / "config/labels.json"); }
}  // namespace

TEST(Taxonomy, DefaultFileIsTheContractTable) {
  const Taxonomy t = table();
  ASSERT_EQ(t.groups().size(), 7u);
  EXPECT_EQ(t.size(), 40u);  // 7 groups + 33 labels
  EXPECT_EQ(t.groups()[1].name, "INSURANCE");
  EXPECT_EQ(t.groups()[1].labels.front(), "HEALTHINSURANCE");
  EXPECT_EQ(t.groups()[6].name, "GAMBLING");
  EXPECT_TRUE(t.groups()[6].labels.empty());
}

TEST(Taxonomy, GroupMaskMatchesGroupOrAnyOfItsLabels) {
  const Taxonomy t = table();
  const int income = *t.group_index("INCOME");
  const LabelSet salary = t.parse("SALARY").set;
  const LabelSet group_only = t.parse("INCOME").set;
  const LabelSet rent = t.parse("RENT").set;
  EXPECT_NE(salary & t.group_mask(income), 0u);
  EXPECT_NE(group_only & t.group_mask(income), 0u);
  EXPECT_EQ(rent & t.group_mask(income), 0u);
  EXPECT_EQ(t.leaf_mask(income) & group_only, 0u);
}

TEST(Taxonomy, ParseAndFormatInTableOrder) {
  const Taxonomy t = table();
  const auto p = t.parse("LIFEINSURANCE;CAPITALINCOME");
  ASSERT_TRUE(p.error.empty());
  EXPECT_EQ(t.format(p.set), "CAPITALINCOME;LIFEINSURANCE");
  EXPECT_EQ(t.parse("").set, 0u);
  EXPECT_EQ(t.format(0), "");
}

TEST(Taxonomy, ParseRejectsUnknownEmptyAndBlank) {
  const Taxonomy t = table();
  EXPECT_NE(t.parse("SALARY;").error, "");
  EXPECT_NE(t.parse(";SALARY").error, "");
  EXPECT_NE(t.parse("SALARY;;RENT").error, "");
  EXPECT_NE(t.parse("SALARY; RENT").error, "");
  EXPECT_NE(t.parse("salary").error, "");
  EXPECT_NE(t.parse("NOSUCHLABEL").error.find("NOSUCHLABEL"), std::string::npos);
}

TEST(Taxonomy, ConstructorRejectsDuplicatesAndTooMany) {
  EXPECT_THROW(Taxonomy(std::vector<LabelGroup>{{"A", {"B", "A"}}}), InputError);
  EXPECT_THROW(Taxonomy(std::vector<LabelGroup>{{"A", {"b"}}}), InputError);
  std::vector<std::string> many;
  for (int i = 0; i < 64; ++i) many.push_back("L" + std::to_string(i));
  EXPECT_THROW(Taxonomy(std::vector<LabelGroup>{{"G", many}}), InputError);
  many.pop_back();
  EXPECT_NO_THROW(Taxonomy(std::vector<LabelGroup>{{"G", many}}));
}
