#include "run/shard_scan.hpp"

#include "parallel/on_every_rank.hpp"
#include "run/stop_signal.hpp"

#include <chrono>
#include <exception>

namespace finseg {

ScanTally scan_shards(Communicator& comm, std::vector<int> order, const ShardWork& work, const ScanProgress& progress) {
  ShardScheduler scheduler(comm, std::move(order));
  ScanTally tally;
  std::exception_ptr failure;
  auto last_done = std::chrono::steady_clock::now();
  try {
    while (!stop_requested()) {
      last_done = std::chrono::steady_clock::now();
      const auto shard = scheduler.next(tally.rows);
      if (!shard) break;
      const auto rows = work(*shard, scheduler);
      if (!rows) break;
      ++tally.shards;
      tally.rows += *rows;
      if (progress) progress(scheduler, tally.rows);
    }
    if (stop_requested() && !scheduler.interrupted()) scheduler.interrupt();
  } catch (...) {
    failure = std::current_exception();
    scheduler.fail();
  }
  scheduler.finish();
  on_every_rank(comm, [&] {
    if (failure) std::rethrow_exception(failure);
  });
  tally.wait = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_done).count();
  tally.stop_seen = stop_requested() || scheduler.interrupted();
  return tally;
}

}  // namespace finseg
