// Each phase of the batch run (src/run) against a serial fold: the documents a single process
// gets by reading every shard, computing every job and combining the partials in memory. Built
// for the local communicator (test_run) and for MPI at 1-4 ranks (test_mpi), so every phase is
// checked at every rank count on both implementations.
#include "app/commands.hpp"
#include "core/segments/document.hpp"
#include "core/segments/kernels.hpp"
#include "parallel/collectives.hpp"
#include "results/results_dir.hpp"
#include "results/results_index.hpp"
#include "run/batch_run.hpp"
#include "run/merge.hpp"
#include "run/segment_scan.hpp"
#include "run/stop_vote.hpp"
#include "store/store.hpp"

#include "run_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <numeric>

namespace finseg {
namespace {

using testing::run_world;
namespace fs = std::filesystem;

std::vector<std::string> job_files() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(fs::path(FINSEG_SOURCE_DIR) / "jobs"))
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

// A bank of 7 shards, written by rank 0 alone, known to every rank.
class RunPhases : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_world().is_root()) {
      auto local = make_local_communicator();
      ASSERT_EQ(cmd_generate(*local, {"--users", "150", "--months", "14", "--seed", "17", "--shards", "7", "--out", store().string()}), 0);
    }
    run_world().barrier();
  }
  fs::path store() const { return tmp_.path() / "bank"; }
  fs::path results() const { return tmp_.path() / "results"; }

  RunOptions options(const std::string& tag) const {
    RunOptions o;
    o.request.job_files = job_files();
    for (const auto& f : o.request.job_files) o.request.job_ids.push_back(tag + "-" + fs::path(f).stem().string());
    o.request.store = store();
    o.request.results = results();
    return o;
  }

  // The serial fold: every job's document from every shard, in one process, in memory.
  std::vector<std::string> serial_documents(const std::vector<std::string>& files) const {
    const StoreManifest manifest = read_manifest(store());
    const Taxonomy taxonomy(manifest.label_groups);
    std::vector<std::string> docs;
    for (const auto& file : files) {
      const JobSpec job = parse_job_file(file, taxonomy, manifest.snapshot_date).spec;
      SegmentPartial all;
      for (const auto& shard : manifest.shards) {
        SegmentPartial part;
        compute_segment(job, taxonomy, read_shard(store(), manifest.label_groups, shard, kAllColumns), part);
        all.combine(std::move(part));
      }
      docs.push_back(render_document(job, all));
    }
    return docs;
  }

  testing::SharedTempDirOn tmp_{run_world()};
};

TEST_F(RunPhases, PlanReachesEveryRankAndMarksTheJobs) {
  BatchRun run(run_world(), options("plan"));
  ASSERT_TRUE(run.plan());
  const auto plans = all_gather_values(run_world(), to_bytes(run.planned()));
  for (const auto& p : plans) EXPECT_EQ(p, plans[0]) << "every rank gets rank 0's plan";
  const StoreManifest manifest = read_manifest(store());
  EXPECT_EQ(run.planned().shards, manifest.shards);
  ASSERT_EQ(run.planned().jobs.size(), job_files().size());
  EXPECT_TRUE(run.planned().resumed_shards.empty());
  EXPECT_FALSE(run.planned().run_key.empty());
  if (run_world().is_root()) {
    for (const auto& id : run.planned().job_ids) EXPECT_EQ(ResultsDir(results()).state(id), ResultsDir::State::pending) << id;
  }
}

TEST_F(RunPhases, ScanSavesEveryShardOnceAsTheSerialPartials) {
  BatchRun run(run_world(), options("scan"));
  ASSERT_TRUE(run.plan());
  run.scan();
  const StoreManifest manifest = read_manifest(store());
  const auto units = scan_units(run.planned(), run_world().size());
  EXPECT_EQ(static_cast<std::uint64_t>(all_sum(run_world(), static_cast<std::int64_t>(run.tally().shards))), units.size());
  EXPECT_EQ(static_cast<std::uint64_t>(all_sum(run_world(), static_cast<std::int64_t>(run.tally().rows))), manifest.transactions());
  EXPECT_FALSE(run.tally().stop_seen);
  // Every shard's file (or its parts' files, combined) holds, for every job, what the serial fold
  // computes of that shard. At np > 1 the last shards are scanned in parts (scan_units).
  const auto files = run.checkpoint().finished_files(run.planned().shards, run.planned().jobs.size());
  EXPECT_EQ(files.size(), units.size());
  if (run_world().size() > 1) {
    EXPECT_GT(files.size(), manifest.shards.size()) << "no shard was split";
  }
  const Taxonomy taxonomy(manifest.label_groups);
  for (std::size_t k = static_cast<std::size_t>(run_world().rank()); k < manifest.shards.size(); k += static_cast<std::size_t>(run_world().size())) {
    const ShardData data = read_shard(store(), manifest.label_groups, manifest.shards[k], kAllColumns);
    for (std::size_t j = 0; j < run.planned().jobs.size(); ++j) {
      SegmentPartial serial, saved;
      compute_segment(run.planned().jobs[j], taxonomy, data, serial);
      for (const auto& f : files)
        if (f.header.shard == static_cast<int>(k)) saved.combine(read_partial_section(f.file, f.header, j));
      EXPECT_EQ(saved, serial) << "shard " << k << " job " << j;
    }
  }
}

// A run's split units (scan_units): the smallest shards last, each in kSplitParts ranges that
// tile its users; none at np = 1; every shard exactly once.
TEST(ScanUnits, TheLastShardsSplitIntoRangesThatTileThem) {
  RunPlan plan;
  plan.jobs.resize(1);
  for (const std::uint64_t users : {100, 300, 200, 3, 250, 150}) {
    ShardInfo s;
    s.users = users;
    s.transactions = users * 10;
    plan.shards.push_back(s);
  }
  plan.resumed_shards = {4};
  for (const int ranks : {1, 2, 3}) {
    const auto units = scan_units(plan, ranks);
    std::vector<std::vector<ShardUsers>> of_shard(plan.shards.size());
    for (const auto& u : units) of_shard[static_cast<std::size_t>(u.shard)].push_back(u.users);
    EXPECT_TRUE(of_shard[4].empty()) << "a resumed shard is not scanned";
    std::size_t split = 0;
    for (std::size_t k = 0; k < plan.shards.size(); ++k) {
      if (k == 4) continue;
      if (of_shard[k].size() == 1) {
        EXPECT_EQ(of_shard[k][0], ShardUsers{}) << "shard " << k;
        continue;
      }
      ++split;
      ASSERT_EQ(of_shard[k].size(), kSplitParts);
      std::uint64_t next = 0;
      for (const auto& r : of_shard[k]) {
        EXPECT_EQ(r.begin, next);
        EXPECT_GT(r.end, r.begin);
        next = r.end;
      }
      EXPECT_EQ(next, plan.shards[k].users);
    }
    // The last `ranks` shards are split but the 3-user one, too small: one at 2 ranks, two at 3.
    EXPECT_EQ(split, ranks == 1 ? 0u : ranks == 2 ? 1u : 2u) << ranks << " ranks";
    EXPECT_EQ(units.front().shard, 1) << "the largest first";
    if (ranks > 1) {
      EXPECT_NE(units.back().users, ShardUsers{}) << "the split units last";
    }
  }
}

TEST_F(RunPhases, StopVoteIsTheSerialOrAndSum) {
  auto& comm = run_world();
  const int r = comm.rank(), n = comm.size();
  for (int stopper = -1; stopper < n; ++stopper) {
    for (const std::uint64_t resumed : {0u, 3u}) {
      const std::uint64_t mine = static_cast<std::uint64_t>(r) + 1;
      const std::uint64_t all = static_cast<std::uint64_t>(n) * (static_cast<std::uint64_t>(n) + 1) / 2;
      for (const std::uint64_t total : {resumed + all, resumed + all + 1}) {
        const StopDecision d = agree_to_stop(comm, r == stopper, mine, resumed, total);
        EXPECT_EQ(d.finished, all);
        EXPECT_EQ(d.stop, stopper >= 0 && resumed + all < total) << "stopper " << stopper << " total " << total;
      }
    }
  }
}

// The vote that also carries each rank's payload (the partial files' headers for the merge)
// decides as the one without, and hands every rank every payload in rank order.
TEST_F(RunPhases, StopVoteWithPayloadsDecidesAlikeAndBringsEveryRanksPayload) {
  auto& comm = run_world();
  const int r = comm.rank(), n = comm.size();
  const std::uint64_t mine = static_cast<std::uint64_t>(r) + 1;
  const std::uint64_t all = static_cast<std::uint64_t>(n) * (static_cast<std::uint64_t>(n) + 1) / 2;
  for (int stopper = -1; stopper < n; ++stopper) {
    for (const std::uint64_t total : {all, all + 1}) {
      std::vector<std::string> payloads{"stale"};
      const StopDecision d = agree_to_stop(comm, r == stopper, mine, 0, total, std::string(static_cast<std::size_t>(r), 'x'), payloads);
      const StopDecision plain = agree_to_stop(comm, r == stopper, mine, 0, total);
      EXPECT_EQ(d.stop, plain.stop) << "stopper " << stopper << " total " << total;
      EXPECT_EQ(d.finished, plain.finished);
      ASSERT_EQ(payloads.size(), static_cast<std::size_t>(n));
      for (int k = 0; k < n; ++k) EXPECT_EQ(payloads[static_cast<std::size_t>(k)], std::string(static_cast<std::size_t>(k), 'x'));
    }
  }
}

TEST_F(RunPhases, MergePlanIsOneLayoutOfEveryShardOnEveryRank) {
  auto& comm = run_world();
  BatchRun run(comm, options("layout"));
  ASSERT_TRUE(run.plan());
  run.scan();
  for (const std::uint64_t min_range : {std::uint64_t{1}, std::uint64_t{2000}, kMinRangeBytes}) {
    const MergePlan merge = plan_merge(run.planned(), run.checkpoint(), comm.size(), min_range);
    ASSERT_EQ(merge.layouts.size(), run.planned().jobs.size());
    std::vector<std::uint64_t> summary;  // every slice's writer, offset, size and files: the same on every rank
    for (std::size_t j = 0; j < merge.layouts.size(); ++j) {
      const auto& layout = merge.layouts[j];
      ASSERT_EQ(layout.slices.size(), merge.writers[j].size());
      EXPECT_LE(merge.writers[j].size(), std::max<std::uint64_t>(1, layout.total_bytes() / min_range)) << "job " << j;
      EXPECT_TRUE(std::is_sorted(merge.writers[j].begin(), merge.writers[j].end()));
      EXPECT_EQ(std::adjacent_find(merge.writers[j].begin(), merge.writers[j].end()), merge.writers[j].end()) << "one range per rank";
      std::vector<std::size_t> files = layout.userless;
      std::uint64_t offset = layout.head.size();
      for (std::size_t s = 0; s < layout.slices.size(); ++s) {
        const auto& slice = layout.slices[s];
        EXPECT_EQ(slice.offset, offset) << "the ranges follow each other";
        offset += slice.bytes;
        files.insert(files.end(), slice.files.begin(), slice.files.end());
        summary.insert(summary.end(), {static_cast<std::uint64_t>(merge.writers[j][s]), slice.offset, slice.bytes, slice.files.size()});
      }
      EXPECT_EQ(layout.tail_offset, offset);
      std::sort(files.begin(), files.end());
      std::vector<std::size_t> each(merge.files.size());
      std::iota(each.begin(), each.end(), 0);
      EXPECT_EQ(files, each) << "every shard's section is merged exactly once";
    }
    for (const auto& other : all_gather_values(comm, summary)) EXPECT_EQ(other, summary);
  }
}

TEST(DocumentWriters, DocumentsAreSplitAsFarAsTheBalanceOfTheRanksNeeds) {
  const std::uint64_t mib = 1 << 20;
  const std::vector<std::uint64_t> bytes{100, 10 * mib, 0, 3 * mib, 50 * mib, 7 * mib, 200};
  const std::uint64_t total = std::accumulate(bytes.begin(), bytes.end(), std::uint64_t{0});
  for (int ranks = 1; ranks <= 40; ranks += ranks < 8 ? 1 : 11) {
    const auto writers = document_writers(bytes, ranks, 4 * mib);
    ASSERT_EQ(writers.size(), bytes.size());
    const std::uint64_t fair = total / static_cast<std::uint64_t>(ranks), share = fair + fair / kShareSlack;
    std::vector<std::uint64_t> load(static_cast<std::size_t>(ranks), 0);
    for (std::size_t j = 0; j < bytes.size(); ++j) {
      ASSERT_FALSE(writers[j].empty());
      EXPECT_TRUE(std::is_sorted(writers[j].begin(), writers[j].end()));
      EXPECT_EQ(std::adjacent_find(writers[j].begin(), writers[j].end()), writers[j].end()) << "one range per rank";
      for (const int r : writers[j]) load.at(static_cast<std::size_t>(r)) += bytes[j] / writers[j].size();
      EXPECT_LE(writers[j].size(), std::max<std::uint64_t>(1, bytes[j] / (4 * mib))) << "ranges of at least 4 MiB";
      EXPECT_LE(bytes[j] / writers[j].size(), std::max(share, 8 * mib)) << "a range is at most a fair share (or small)";
      if (writers[j].size() > 1) {
        EXPECT_GT(bytes[j], share * (writers[j].size() - 1)) << "no more ranges than shares";
      }
    }
    if (ranks >= 2) {
      EXPECT_GT(writers[4].size(), 1u) << "the 50 MiB document is 71 % of the bytes: split from 2 ranks on";
    }
    // No rank gets more than its share plus one more range.
    for (const auto l : load) EXPECT_LE(l, share + std::max(share, 8 * mib)) << ranks << " ranks";
    EXPECT_EQ(document_writers(bytes, ranks, 4 * mib), writers) << "deterministic";
  }
}

TEST(DocumentWriters, TheSixDocumentsOfTheLargeBank) {
  // 100,000 users: financialBreakdown is about half of the bytes.
  const std::vector<std::uint64_t> bytes{32505385, 1513095, 1402972, 2388313, 111149049, 70632098};
  for (const auto& w : document_writers(bytes, 2, kMinRangeBytes)) EXPECT_EQ(w.size(), 1u) << "whole documents balance 2 ranks";
  const auto at32 = document_writers(bytes, 32, kMinRangeBytes);
  EXPECT_GE(at32[4].size(), 12u);
  EXPECT_GE(at32[5].size(), 8u);
  const auto at4 = document_writers(bytes, 4, kMinRangeBytes);
  EXPECT_EQ(at4[4].size(), 2u);
}

TEST(DocumentWriters, TheRanksGetEqualMergeCostsNotEqualBytes) {
  // The same bank with each document's users and 160 shards' sections: the income document has as
  // many users as financialBreakdown in 3.4x fewer bytes. Balancing bytes gave financialBreakdown's
  // rank 45 % of the merge's cost (measured: 0.056 against 0.077 s of CPU); balancing cost, whole
  // documents still, each rank gets 50 % +- 5 %.
  const std::vector<std::uint64_t> bytes{32505385, 1513095, 1402972, 2388313, 111149049, 70632098};
  const std::vector<std::uint64_t> users{100000, 18263, 16975, 28676, 100000, 98350};
  std::vector<std::uint64_t> cost;
  for (std::size_t j = 0; j < bytes.size(); ++j) cost.push_back(bytes[j] + kUserCostBytes * users[j] + kSectionCostBytes * 160);
  const std::uint64_t total = std::accumulate(cost.begin(), cost.end(), std::uint64_t{0});
  const auto writers = document_writers(bytes, 2, kMinRangeBytes, cost);
  std::vector<std::uint64_t> load(2, 0);
  for (std::size_t j = 0; j < writers.size(); ++j) {
    ASSERT_EQ(writers[j].size(), 1u) << "whole documents balance 2 ranks";
    load.at(static_cast<std::size_t>(writers[j][0])) += cost[j];
  }
  for (const auto l : load) EXPECT_LE(static_cast<double>(l), 0.55 * static_cast<double>(total));
  EXPECT_EQ(document_writers(bytes, 2, kMinRangeBytes, bytes), document_writers(bytes, 2, kMinRangeBytes)) << "no cost: the bytes";
}

// The phases merge and commit, with every document split over every rank (ranges of at least one
// byte) and with the production minimum (the small documents of this bank whole, one per rank).
class MergeAndCommit : public RunPhases, public ::testing::WithParamInterface<std::uint64_t> {};

TEST_P(MergeAndCommit, GiveTheSerialDocuments) {
  RunOptions o = options("merge" + std::to_string(GetParam()));
  o.min_range_bytes = GetParam();
  if (GetParam() == 1) {  // one document, so that 2-4 ranks are to spare and split it
    o.request.job_files.resize(1);
    o.request.job_ids.resize(1);
  }
  BatchRun run(run_world(), o);
  ASSERT_TRUE(run.plan());
  run.scan();
  run.stop_if_asked();
  run.merge();
  const auto serial = serial_documents(o.request.job_files);
  const ResultsDir results_dir(results());
  if (run_world().is_root()) {
    ASSERT_EQ(run.documents().size(), serial.size());
    for (std::size_t j = 0; j < serial.size(); ++j) {
      const auto staged = results_dir.staged_dir(run.planned().job_ids[j], run.planned().stage_tag) / "result.json";
      EXPECT_EQ(testing::slurp(staged), serial[j]) << run.planned().job_ids[j];
      EXPECT_EQ(run.documents()[j].job, j);
      EXPECT_EQ(results_dir.state(run.planned().job_ids[j]), ResultsDir::State::pending) << "nothing is visible before commit";
    }
  }
  run.commit();
  run_world().barrier();
  for (std::size_t j = 0; j < serial.size(); ++j) {
    const auto& id = run.planned().job_ids[j];
    EXPECT_EQ(results_dir.state(id), ResultsDir::State::done) << id;
    EXPECT_EQ(results_dir.read_result(id), serial[j]) << id;
    const auto index = UserIndex::path_of(results_dir.job_dir(id) / "result.json");
    const std::string written = testing::slurp(index);  // by the merge's writers, a range each
    UserIndex::write_beside(results_dir.job_dir(id) / "result.json");  // the index of one pass over the document
    EXPECT_EQ(written, testing::slurp(index)) << "the page index is committed beside it: " << id;
  }
  EXPECT_FALSE(fs::exists(run.checkpoint().dir())) << "the checkpoint is removed after commit";
}

INSTANTIATE_TEST_SUITE_P(RunPhases, MergeAndCommit, ::testing::Values(std::uint64_t{1}, kMinRangeBytes));

}  // namespace
}  // namespace finseg
