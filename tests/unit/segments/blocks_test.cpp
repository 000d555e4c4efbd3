// compute_segments (every job of a run over the same block of users, block after block) must give
// each job exactly what compute_segment gives over the whole shard: the documents of a run do not
// depend on how a shard is cut into blocks.
#include "segment_test_support.hpp"

#include <algorithm>
#include <cstdint>

namespace finseg::test {
namespace {

// A shard far larger than one block: 1,000 users, 1-3 accounts each, 0-60 transactions per
// account over two years, amounts of both signs, labels drawn from the whole taxonomy (insurance
// payments among them), a few counterpart names with odd spacing.
ShardData large_shard() {
  std::uint64_t state = 42;
  const auto next = [&](std::uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  const auto labels = static_cast<std::uint64_t>(taxonomy().names().size());
  const char* names[] = {"Allianz  Versicherung", " HUK-Coburg", "AXA", "Ergo\tDirekt ", "Shop"};
  const Day first = day("2025-10-01");
  const Day last = day("2026-10-14");
  ShardData s;
  for (int u = 0; u < 1000; ++u) {
    s.add_user("user-" + std::to_string(1000 + u));
    const int accounts = 1 + static_cast<int>(next(3));
    for (int a = 0; a < accounts; ++a) {
      const auto type = a == 1 ? AccountType::savings : AccountType::checking;
      s.add_account("acc-" + std::to_string(1000 + u) + "-" + std::to_string(a), type, Currency{'E', 'U', 'R'},
                    static_cast<Cents>(next(2'000'000)) - 500'000, last);
      const int txns = static_cast<int>(next(61));
      Day d = first;
      for (int t = 0; t < txns; ++t) {
        d = std::min<Day>(last, d + static_cast<Day>(next(12)));
        const LabelSet label = next(4) == 0 ? 0 : LabelSet{1} << next(labels);
        s.add_transaction("t", d, static_cast<Cents>(next(400'000)) - 300'000, label, names[next(5)], "", "");
      }
    }
  }
  return s;
}

std::vector<JobSpec> all_segments() {
  const Day creation = day("2026-10-15");
  std::vector<JobSpec> jobs(6);
  jobs[0].request.segment = Segment::highBalance;
  jobs[0].request.account_type = AccountType::checking;
  jobs[0].request.threshold = 500'000;
  jobs[1].request.segment = Segment::lowBalance;
  jobs[1].request.threshold = 0;
  jobs[1].request.duration_in_month = 3;
  jobs[2].request.segment = Segment::incomeSpendingSummary;
  jobs[2].request.duration_in_month = 12;
  jobs[3].request.segment = Segment::financialBreakdown;
  jobs[3].request.duration_in_month = 6;
  for (std::size_t g = 0; g < taxonomy().groups().size(); ++g) jobs[3].request.label_groups.push_back(static_cast<int>(g));
  jobs[4].request.segment = Segment::insuranceSpending;
  jobs[4].request.expected_insurance_types = std::vector<int>{*taxonomy().bit_of("INSURANCE")};
  jobs[5].request.segment = Segment::insuranceSpending;
  jobs[5].request.duration_in_month = 24;
  for (auto& job : jobs) job.creation_date = creation;
  return jobs;
}

TEST(ComputeSegments, BlockByBlockEqualsEachJobOverTheWholeShard) {
  const ShardData shard = large_shard();
  ASSERT_GT(shard.transactions(), 5 * kBlockTransactions);
  const auto jobs = all_segments();
  std::vector<SegmentPartial> blocked(jobs.size());
  std::size_t blocks = 0;
  ASSERT_TRUE(compute_segments(jobs, taxonomy(), shard, blocked, [&] { return ++blocks > 0; }));
  EXPECT_GE(blocks, 5u);
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    SegmentPartial whole;
    compute_segment(jobs[j], taxonomy(), shard, whole);
    EXPECT_GT(whole.users(), 0u) << "job " << j;
    EXPECT_EQ(blocked[j], whole) << "job " << j;
  }
}

TEST(ComputeSegments, StopsAfterTheBlockWhenAsked) {
  const ShardData shard = large_shard();
  const auto jobs = all_segments();
  std::vector<SegmentPartial> out(jobs.size());
  std::size_t blocks = 0;
  EXPECT_FALSE(compute_segments(jobs, taxonomy(), shard, out, [&] { return ++blocks < 2; }));
  EXPECT_EQ(blocks, 2u);
  EXPECT_LT(out[2].users(), shard.users());
}

TEST(ComputeSegments, EmptyShardAndOnePartialPerJob) {
  const auto jobs = all_segments();
  std::vector<SegmentPartial> out(jobs.size());
  EXPECT_TRUE(compute_segments(jobs, taxonomy(), ShardData{}, out, [] { return true; }));
  for (const auto& p : out) EXPECT_EQ(p.users(), 0u);
  std::vector<SegmentPartial> too_few(1);
  EXPECT_THROW(compute_segments(jobs, taxonomy(), ShardData{}, too_few, [] { return true; }), std::logic_error);
}

}  // namespace
}  // namespace finseg::test
