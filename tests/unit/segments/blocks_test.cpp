// compute_segments (every job of a run over the same block of users, block after block) must give
// each job exactly what compute_segment gives over the whole shard: the documents of a run do not
// depend on how a shard is cut into blocks.
#include "segment_test_support.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

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

// The kernels keep their month tables, accumulators and buffers per thread from block to block
// (month_slots.hpp, cached_month_slots: the last 8 windows). Jobs that take turns on every block
// with more distinct windows than that, and breakdowns over other groups, must each still give
// what they give alone.
TEST(ComputeSegments, JobsWithManyWindowsAndGroupsTakingTurnsGiveWhatEachGivesAlone) {
  const ShardData shard = large_shard();
  std::vector<JobSpec> jobs;
  const std::size_t groups = taxonomy().groups().size();
  for (int months = 1; months <= 12; ++months) {
    JobSpec breakdown;
    breakdown.creation_date = day("2026-10-15");
    breakdown.request.segment = Segment::financialBreakdown;
    breakdown.request.duration_in_month = months;
    for (std::size_t g = static_cast<std::size_t>(months) % groups; g < groups; g += 2)
      breakdown.request.label_groups.push_back(static_cast<int>(g));
    jobs.push_back(breakdown);
    JobSpec low;
    low.creation_date = day("2026-10-15") - 7 * months;  // other creation dates: other windows too
    low.request.segment = Segment::lowBalance;
    low.request.threshold = 100'000;
    low.request.duration_in_month = months;
    jobs.push_back(low);
  }
  std::vector<SegmentPartial> blocked(jobs.size());
  ASSERT_TRUE(compute_segments(jobs, taxonomy(), shard, blocked, [] { return true; }));
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    SegmentPartial whole;
    compute_segment(jobs[j], taxonomy(), shard, whole);
    EXPECT_EQ(blocked[j], whole) << "job " << j;
  }
  EXPECT_GT(blocked[0].users(), 0u);
  EXPECT_GT(blocked[23].users(), 0u);
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

// `shard` with its counterpart names by id (as a run reads a store of format 2): the dictionary in
// first-use order, or reversed (other ids for the same names), under dictionary serial `serial`.
ShardData names_by_id(ShardData shard, bool reversed, std::uint64_t serial) {
  std::vector<std::string> dict;
  for (std::size_t t = 0; t < shard.transactions(); ++t) {
    const std::string name(shard.counterpart_name[t]);
    if (std::find(dict.begin(), dict.end(), name) == dict.end()) dict.push_back(name);
  }
  if (reversed) std::reverse(dict.begin(), dict.end());
  for (const auto& name : dict) shard.counterpart_name_dict.push_back(name);
  for (std::size_t t = 0; t < shard.transactions(); ++t)
    shard.counterpart_name_id.push_back(static_cast<std::uint32_t>(
        std::find(dict.begin(), dict.end(), std::string(shard.counterpart_name[t])) - dict.begin()));
  shard.counterpart_name.clear();
  shard.counterpart_names_by_id = true;
  shard.counterpart_name_dict_serial = serial;
  return shard;
}

// insuranceSpending over the names by id (its providers normalised once per dictionary id and
// shard, cached between blocks) gives what it gives over the plain names, also when the next
// shard's dictionary gives the same ids to other names (the cache starts afresh per dictionary).
TEST(ComputeSegments, NamesByIdGiveWhatThePlainNamesGive) {
  const ShardData plain = large_shard();
  const auto jobs = all_segments();
  std::vector<SegmentPartial> expected(jobs.size());
  ASSERT_TRUE(compute_segments(jobs, taxonomy(), plain, expected, [] { return true; }));
  EXPECT_GT(expected[4].users(), 0u);
  for (const auto& [reversed, serial] : {std::pair{false, std::uint64_t{1001}}, std::pair{true, std::uint64_t{1002}},
                                         std::pair{false, std::uint64_t{1003}}}) {
    const ShardData by_id = names_by_id(plain, reversed, serial);
    std::vector<SegmentPartial> out(jobs.size());
    ASSERT_TRUE(compute_segments(jobs, taxonomy(), by_id, out, [] { return true; }));
    for (std::size_t j = 0; j < jobs.size(); ++j) EXPECT_EQ(out[j], expected[j]) << "job " << j << ", reversed " << reversed;
  }
}

}  // namespace
}  // namespace finseg::test
