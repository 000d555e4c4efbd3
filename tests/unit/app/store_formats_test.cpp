// A run's scan over a store whose shards have either shard format (docs/store-format.md 5): the
// counterpart names by id (format 2) or plain (format 1), read block by block through one head
// and one window reused shard after shard (as ShardScanner does), give the documents of the data.
#include "core/segments/kernels.hpp"
#include "store/store.hpp"

#include "../store/store_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace finseg {
namespace {

using test::ScratchDir;

// What a run does shard after shard (ShardScanner): one head and one window reused over shards
// of both formats in turn, every job over each block; insuranceSpending gives what it gives over
// the shard in memory (its names by id from a format 2 shard, plain from a format 1 shard).
TEST(ShardStream, ShardsOfBothFormatsInTurnGiveTheInsuranceOfTheData) {
  const Taxonomy taxonomy = test::default_taxonomy();
  JobSpec job;
  job.request.segment = Segment::insuranceSpending;
  job.request.duration_in_month = 24;
  job.creation_date = 20'701;
  const std::vector<JobSpec> jobs = {job};
  ScratchDir dir;
  ShardData head, window;
  int shard = 0;
  for (const bool dictionary : {true, false, true, false}) {
    SCOPED_TRACE("dictionary " + std::to_string(dictionary));
    const ShardData data = test::synthetic_shard(8, 20 + static_cast<std::uint64_t>(shard), taxonomy);
    ShardWriteOptions options;
    options.chunk_elements = 1000;
    options.names_dictionary = dictionary;
    const ShardInfo info = write_shard(dir / StoreBuilder::shard_file_name(shard++), data, taxonomy, options);
    SegmentPartial expected;
    compute_segment(job, taxonomy, data, expected);
    ASSERT_GT(expected.users(), 0u);
    std::vector<SegmentPartial> got(1);
    ShardStream s(dir.path(), taxonomy.groups(), info, required_columns(job.request), false, head);
    for (std::size_t b = 0; b < head.users(); b += 3) {
      s.block(b, std::min(b + 3, head.users()), window);
      EXPECT_EQ(window.counterpart_names_by_id, dictionary);
      ASSERT_TRUE(compute_segments(jobs, taxonomy, window, got, [] { return true; }));
    }
    s.finish();
    EXPECT_EQ(got[0], expected);
  }
}

// `finseg inspect` reports each shard's own format (the manifest's formatVersion is 1 for both).
TEST(ShardFormatVersion, ReadsEachShardsOwnFormatFromItsHeader) {
  const Taxonomy taxonomy = test::default_taxonomy();
  ScratchDir dir;
  int shard = 0;
  for (const bool dictionary : {true, false}) {
    ShardWriteOptions options;
    options.names_dictionary = dictionary;
    const ShardData data = test::synthetic_shard(4, 30 + static_cast<std::uint64_t>(shard), taxonomy);
    const ShardInfo info = write_shard(dir / StoreBuilder::shard_file_name(shard++), data, taxonomy, options);
    EXPECT_EQ(shard_format_version(dir.path(), info), dictionary ? 2 : 1);
  }
}

}  // namespace
}  // namespace finseg
