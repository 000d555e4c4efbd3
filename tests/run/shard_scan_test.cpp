// The generic pieces of a run over shards against a serial answer, on the local communicator
// (test_run) and on MPI at 1-4 ranks (test_mpi): the scan loop hands out every shard exactly
// once, and an error on one rank reaches every rank as the same CollectiveError.
#include "core/errors.hpp"
#include "parallel/collectives.hpp"
#include "parallel/on_every_rank.hpp"
#include "run/shard_scan.hpp"

#include "run_test_support.hpp"

#include <cereal/types/vector.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <numeric>
#include <thread>

namespace finseg {
namespace {

using testing::run_world;

TEST(ShardScan, EveryShardIsWorkedOnceWithItsRows) {
  auto& comm = run_world();
  for (const int shards : {0, 1, 3, 11}) {
    std::vector<int> order(static_cast<std::size_t>(shards));
    std::iota(order.rbegin(), order.rend(), 0);
    std::vector<int> mine;
    const ScanTally tally = scan_shards(comm, order, [&](int shard, ShardScheduler& scheduler) -> std::optional<std::uint64_t> {
      mine.push_back(shard);
      scheduler.serve();
      return static_cast<std::uint64_t>(shard) * 10 + 1;  // the shard's "rows"
    });
    EXPECT_EQ(tally.shards, mine.size());
    std::vector<int> all;
    for (const auto& of_rank : all_gather_values(comm, mine)) all.insert(all.end(), of_rank.begin(), of_rank.end());
    std::sort(all.begin(), all.end());
    std::vector<int> each(static_cast<std::size_t>(shards));
    std::iota(each.begin(), each.end(), 0);
    EXPECT_EQ(all, each) << shards << " shards";
    const auto rows = all_sum(comm, static_cast<std::int64_t>(tally.rows));
    EXPECT_EQ(rows, static_cast<std::int64_t>(shards) * (shards - 1) / 2 * 10 + shards);  // serial sum of 10k + 1
    EXPECT_FALSE(tally.stop_seen);
  }
}

// The idle time at the end of the scan (the run's summary prints it per rank): with one slow shard
// on the last rank, every other rank waits about that long; the slow rank itself hardly at all.
TEST(ShardScan, TheWaitAtTheEndIsTheTimeUntilTheLastRankIsDone) {
  auto& comm = run_world();
  const int slow = comm.size() - 1;
  std::vector<int> order(static_cast<std::size_t>(comm.size()));
  std::iota(order.begin(), order.end(), 0);  // rank r starts with shard r: one shard each
  const ScanTally tally = scan_shards(comm, order, [&](int shard, ShardScheduler&) -> std::optional<std::uint64_t> {
    if (shard == slow) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    return 1;
  });
  if (comm.size() == 1) return;
  if (comm.rank() == slow) EXPECT_LT(tally.wait, 0.4) << "the slow rank is the last one";
  else EXPECT_GE(tally.wait, 0.4) << "rank " << comm.rank() << " waits for the slow shard";
}

TEST(ShardScan, AFailingRankStopsEveryRankWithItsError) {
  auto& comm = run_world();
  const int failing = comm.size() - 1;
  std::vector<int> order(20);
  std::iota(order.begin(), order.end(), 0);
  try {
    scan_shards(comm, order, [&](int, ShardScheduler&) -> std::optional<std::uint64_t> {
      if (comm.rank() == failing) throw IoError("shard file unreadable on rank " + std::to_string(failing));
      return 1;
    });
    ADD_FAILURE() << "no error reached rank " << comm.rank();
  } catch (const CollectiveError& e) {
    EXPECT_EQ(e.code(), ExitCode::io);
    EXPECT_EQ(std::string(e.what()), "shard file unreadable on rank " + std::to_string(failing));
  }
}

TEST(OnEveryRank, TheLowestFailingRanksErrorReachesEveryRank) {
  auto& comm = run_world();
  const int n = comm.size();
  EXPECT_NO_THROW(on_every_rank(comm, [] {}));
  for (int first = 0; first < n; ++first) {
    try {
      on_every_rank(comm, [&] {
        if (comm.rank() >= first) throw JobError("rank " + std::to_string(comm.rank()));
      });
      ADD_FAILURE() << "no error";
    } catch (const CollectiveError& e) {
      EXPECT_EQ(e.code(), ExitCode::bad_job);
      EXPECT_EQ(std::string(e.what()), "rank " + std::to_string(first));
    }
  }
  try {
    on_every_rank(comm, [&] {
      if (comm.rank() == n - 1) throw std::runtime_error("a bug");
    });
    ADD_FAILURE() << "no error";
  } catch (const CollectiveError& e) {
    EXPECT_EQ(e.code(), ExitCode::internal);
    EXPECT_EQ(std::string(e.what()), "rank " + std::to_string(n - 1) + ": a bug");
  }
}

// Rank 0 between its blocks (docs/performance.md 2.4.5): every block, unless Open MPI yields the
// core on an empty probe (an oversubscribed node, or yield_when_idle), then once per interval.
class ProbeCounter final : public Communicator {
 public:
  int probes = 0;
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void barrier() override {}
  std::string broadcast(const std::string& d, int) override { return d; }
  std::vector<std::string> gather(const std::string& d, int) override { return {d}; }
  std::vector<std::string> all_gather(const std::string& d) override { return {d}; }
  std::vector<std::string> all_to_all(const std::vector<std::string>& o) override { return o; }
  std::vector<std::int64_t> all_reduce(const std::vector<std::int64_t>& v, Reduce) override { return v; }
  std::int64_t exscan_sum(std::int64_t) override { return 0; }
  bool all_ok(bool ok) override { return ok; }
  void send(int, int, const std::string&) override {}
  std::string recv(int, int, int& from) override { return from = 0, std::string(); }
  bool probe(int) override { return ++probes, false; }
  [[noreturn]] void abort(int) override { std::abort(); }
};

TEST(ShardScheduler, BetweenBlocksRankZeroProbesEveryBlockOrOncePerInterval) {
  ProbeCounter every, gated;
  ShardScheduler plain(every, {0}, 0.0), yielding(gated, {0}, 3600.0);
  for (int block = 0; block < 1000; ++block) {
    plain.serve_between_blocks();
    yielding.serve_between_blocks();
  }
  EXPECT_EQ(every.probes, 1000);
  EXPECT_EQ(gated.probes, 1);  // the first block, then not within the hour
  yielding.serve();            // at a unit's end rank 0 always looks
  EXPECT_EQ(gated.probes, 2);
}

TEST(ShardScheduler, TheIntervalFollowsOpenMpisYieldSettings) {
  const auto with = [](const char* name, const char* value) {
    const char* old = std::getenv(name);
    const std::string saved = old ? old : "";
    if (value) setenv(name, value, 1); else unsetenv(name);
    const double interval = ShardScheduler::default_serve_interval();
    if (old) setenv(name, saved.c_str(), 1); else unsetenv(name);
    return interval;
  };
  // Whatever the test's own launcher set, each variable alone decides here.
  const char* over = std::getenv("OMPI_MCA_mpi_oversubscribe");
  const char* yield = std::getenv("OMPI_MCA_mpi_yield_when_idle");
  const std::string over_saved = over ? over : "", yield_saved = yield ? yield : "";
  unsetenv("OMPI_MCA_mpi_oversubscribe");
  unsetenv("OMPI_MCA_mpi_yield_when_idle");
  EXPECT_EQ(ShardScheduler::default_serve_interval(), 0.0);
  EXPECT_EQ(with("OMPI_MCA_mpi_oversubscribe", "0"), 0.0);
  EXPECT_GT(with("OMPI_MCA_mpi_oversubscribe", "1"), 0.0);
  EXPECT_GT(with("OMPI_MCA_mpi_yield_when_idle", "1"), 0.0);
  EXPECT_EQ(with("OMPI_MCA_mpi_yield_when_idle", "false"), 0.0);
  if (over) setenv("OMPI_MCA_mpi_oversubscribe", over_saved.c_str(), 1);
  if (yield) setenv("OMPI_MCA_mpi_yield_when_idle", yield_saved.c_str(), 1);
}

}  // namespace
}  // namespace finseg
