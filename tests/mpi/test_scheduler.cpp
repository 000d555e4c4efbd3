// The shard scheduler against a serial answer: every shard is handed out exactly once, whatever
// the number of ranks, and a failing rank stops everyone without a hang.
#include "parallel/on_every_rank.hpp"
#include "parallel/shard_scheduler.hpp"
#include "mpi_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <numeric>
#include <thread>
#include <sstream>

using namespace finseg;
using finseg::testing::world;

namespace {
std::vector<int> gather_ints(const std::vector<int>& mine) {
  std::ostringstream s;
  for (int v : mine) s << v << ' ';
  std::vector<int> all;
  for (const auto& part : world().gather(s.str(), 0)) {
    std::istringstream in(part);
    int v;
    while (in >> v) all.push_back(v);
  }
  return all;
}
}  // namespace

TEST(ShardScheduler, HandsOutEveryShardExactlyOnce) {
  for (int shards : {0, 1, 2, 3, 7, 40}) {
    std::vector<int> order(static_cast<std::size_t>(shards));
    std::iota(order.rbegin(), order.rend(), 0);
    ShardScheduler scheduler(world(), order);
    std::vector<int> mine;
    while (const auto s = scheduler.next(mine.size())) {
      mine.push_back(*s);
      scheduler.serve();
    }
    scheduler.finish();
    auto all = gather_ints(mine);
    if (world().is_root()) {
      std::sort(all.begin(), all.end());
      std::vector<int> expected(static_cast<std::size_t>(shards));
      std::iota(expected.begin(), expected.end(), 0);
      EXPECT_EQ(all, expected) << "shards=" << shards << " ranks=" << world().size();
    }
  }
}

TEST(ShardScheduler, AFailingRankStopsEveryRankAndTheErrorReachesAll) {
  const int failing = world().size() - 1;
  std::vector<int> order(500);  // 1 s of the coordinator's work: the failing rank gets one even when descheduled
  std::iota(order.begin(), order.end(), 0);
  ShardScheduler scheduler(world(), order);
  int done = 0;
  std::exception_ptr failure;
  try {
    while (const auto s = scheduler.next(static_cast<std::uint64_t>(done))) {
      if (world().rank() == failing) throw StoreError("shard-" + std::to_string(*s) + ": corrupt");
      ++done;
      // The coordinator works slowly, so the failing rank surely gets a shard before all are gone.
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  } catch (...) {
    failure = std::current_exception();
    scheduler.fail();
  }
  scheduler.finish();
  try {
    on_every_rank(world(), [&] {
      if (failure) std::rethrow_exception(failure);
    });
    FAIL() << "the failure of rank " << failing << " did not reach rank " << world().rank();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::bad_store);
    EXPECT_NE(std::string(e.what()).find("corrupt"), std::string::npos);
  }
}

TEST(ShardScheduler, AStopRequestOfOneRankStopsTheHandingOutEverywhere) {
  const int stopping = world().size() - 1;
  std::vector<int> order(200);
  std::iota(order.begin(), order.end(), 0);
  ShardScheduler scheduler(world(), order);
  std::vector<int> mine;
  while (true) {
    if (world().rank() == stopping && mine.size() == 1) {
      scheduler.interrupt();  // what a stop signal does on that rank
      break;
    }
    const auto s = scheduler.next(mine.size());
    if (!s) break;
    mine.push_back(*s);
    scheduler.serve();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  scheduler.finish();
  EXPECT_TRUE((world().rank() != 0 && world().rank() != stopping) || scheduler.interrupted())
      << "rank " << world().rank() << " does not know of the stop";
  auto all = gather_ints(mine);
  if (world().is_root()) {
    std::sort(all.begin(), all.end());
    EXPECT_TRUE(std::adjacent_find(all.begin(), all.end()) == all.end()) << "a shard was handed out twice";
    EXPECT_LT(all.size(), order.size()) << "the stop request did not stop the handing out (ranks=" << world().size() << ")";
  }
}

// A stop signal that reaches a worker after its last next() said "no shard" (the coordinator has
// let it go and waits in finish()): interrupt() and fail() return at once. They sent one more
// request that nobody answered, and the run hung (tests/e2e/interrupt_split.sh, 2 in ~30 runs).
TEST(ShardScheduler, AStopAfterTheLastShardDoesNotWaitForAnAnswer) {
  for (const bool failing : {false, true}) {
    std::vector<int> order(static_cast<std::size_t>(2 * world().size()));
    std::iota(order.begin(), order.end(), 0);
    ShardScheduler scheduler(world(), order);
    std::vector<int> mine;
    while (const auto s = scheduler.next(mine.size())) {
      mine.push_back(*s);
      scheduler.serve();
    }
    if (failing) scheduler.fail(); else scheduler.interrupt();  // what the signal does, late
    scheduler.finish();
    if (world().rank() != 0) {
      EXPECT_TRUE(failing || scheduler.interrupted());
    }
    auto all = gather_ints(mine);
    if (world().is_root()) {
      EXPECT_EQ(all.size(), order.size()) << "ranks=" << world().size();
    }
  }
}
