// A manifest edited by hand must fail a read, never change a result: every shard records its
// counts, taxonomy and dates itself (root attributes), and read_shard/verify_store compare the
// manifest with them. Shards written before the date attributes are checked from their data.
#include "core/errors.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <utility>

namespace finseg {
namespace {

using test::ScratchDir;
using test::store_error_of;

struct OneShard {
  ScratchDir dir;
  Taxonomy taxonomy = test::default_taxonomy();
  ShardData data = test::synthetic_shard(8, 5, taxonomy);
  ShardInfo info;
  explicit OneShard(ShardWriteOptions options = {}) {
    info = write_shard(dir / "shard-00000.h5", data, taxonomy, options);
  }
  ShardData read(const ShardInfo& entry, ColumnSet columns) const {
    return read_shard(dir.path(), taxonomy.groups(), entry, columns);
  }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ManifestVsShard, ExactEntryReads) {
  const OneShard s;
  EXPECT_EQ(s.read(s.info, kAllColumns), s.data);
  EXPECT_EQ(s.read(s.info, kLabels).labels, s.data.labels);
}

TEST(ManifestVsShard, AnotherLatestBalanceDateFailsEveryRead) {
  const OneShard s;
  ShardInfo edited = s.info;
  *edited.latest_balance_date -= 30;
  // The attribute is in the header: even a read of one unrelated column fails.
  const auto error = store_error_of([&] { s.read(edited, kLabels); });
  EXPECT_TRUE(contains(error, "shard-00000.h5")) << error;
  EXPECT_TRUE(contains(error, "latestBalanceDate " + format_date(*edited.latest_balance_date))) << error;
  EXPECT_TRUE(contains(error, format_date(*s.info.latest_balance_date))) << error;
}

TEST(ManifestVsShard, AnotherBookingRangeFails) {
  const OneShard s;
  ShardInfo edited = s.info;
  *edited.first_booking += 1;
  EXPECT_TRUE(contains(store_error_of([&] { s.read(edited, kAmount); }), "firstBooking")) ;
  edited = s.info;
  edited.last_booking.reset();
  EXPECT_TRUE(contains(store_error_of([&] { s.read(edited, kAmount); }), "lastBooking null"));
}

TEST(ManifestVsShard, SwappedLabelNamesFail) {
  const OneShard s;
  auto groups = s.taxonomy.groups();
  // Two leaf labels of one group traded (HEALTHINSURANCE <-> CARINSURANCE in the default taxonomy).
  auto group = std::find_if(groups.begin(), groups.end(), [](const LabelGroup& g) { return g.labels.size() >= 2; });
  ASSERT_NE(group, groups.end());
  std::swap(group->labels[0], group->labels[1]);
  const auto error = store_error_of([&] { read_shard(s.dir.path(), groups, s.info, kAmount); });
  EXPECT_TRUE(contains(error, "other label names")) << error;
  EXPECT_TRUE(contains(error, group->labels[1] + " in the file, " + group->labels[0] + " in the manifest")) << error;

  StoreManifest manifest;
  manifest.label_groups = groups;
  manifest.shards = {s.info};
  EXPECT_TRUE(contains(store_error_of([&] { verify_store(s.dir.path(), manifest); }), "other label names"));
}

TEST(ManifestVsShard, RegroupedLabelsFail) {
  const OneShard s;
  auto groups = s.taxonomy.groups();
  // The same names in the same order, but the first label of group 1 made a group of its own.
  ASSERT_GE(groups.size(), 2u);
  ASSERT_FALSE(groups[1].labels.empty());
  LabelGroup promoted{groups[1].labels.front(), {groups[1].labels.begin() + 1, groups[1].labels.end()}};
  groups[1].labels.clear();
  groups.insert(groups.begin() + 2, promoted);
  const auto error = store_error_of([&] { read_shard(s.dir.path(), groups, s.info, kAmount); });
  EXPECT_TRUE(contains(error, "other label groups")) << error;
}

TEST(ManifestVsShard, ShardWithoutDateAttributesIsCheckedFromItsData) {
  ShardWriteOptions old_writer;
  old_writer.record_dates = false;
  const OneShard s(old_writer);
  EXPECT_EQ(s.read(s.info, kAllColumns), s.data);
  ShardInfo edited = s.info;
  *edited.latest_balance_date += 3;
  // The balance dates are read for the check even when the columns asked for lack them.
  const auto error = store_error_of([&] { s.read(edited, kLabels); });
  EXPECT_TRUE(contains(error, "latestBalanceDate")) << error;
  EXPECT_TRUE(contains(error, "balance dates")) << error;
  edited = s.info;
  *edited.last_booking -= 1;
  EXPECT_TRUE(contains(store_error_of([&] { s.read(edited, kBookingDate); }), "lastBooking"));
}

}  // namespace
}  // namespace finseg
