// Dynamic shard assignment: a rank asks for the next shard when it is done with one, so uneven
// shards do not leave ranks idle. Rank 0 is the coordinator and also works: it answers requests
// between its own units of work (serve()). Each worker keeps one request in flight while it
// computes (prefetch), so the coordinator's answer is already there when the worker needs it.
// The first shard of each rank needs no question: rank r starts with order[r] (the P largest go
// one to each rank), so no worker waits for the coordinator to finish reading its own first
// shard before it can start (measured: ~15-30 ms of a 0.25 s run at np=2).
// A failure on any rank stops the handing out of shards on every rank (no rank hangs), and so
// does a stop request (a rank got SIGTERM/SIGUSR1): a worker says so in its next request, the
// coordinator then hands out no more shards to anyone.
#pragma once

#include "parallel/communicator.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace finseg {

class ShardScheduler {
 public:
  // `order`: the shards to hand out, in the order to hand them out (largest first balances best).
  ShardScheduler(Communicator& comm, std::vector<int> order, double serve_interval = default_serve_interval());

  // How often rank 0 looks for requests between its blocks: at every block (0), unless Open MPI's
  // progress loop yields the core on each probe that finds nothing, i.e. the node has more ranks
  // than cores (mpirun sets OMPI_MCA_mpi_oversubscribe=1) or OMPI_MCA_mpi_yield_when_idle is set
  // (srun --overcommit, slurm/): then at most every 4 ms. Probing at every block (~80 us) while
  // yielding left rank 0 a fraction of a core: at np=3 on 2 cores it scanned 4-11 % of the
  // 100,000-user bank's transactions, at np=4 2.5 %, instead of a third and a quarter; with the
  // interval 31 % and 25 % (docs/performance.md 2.4.5). A worker asks for its next unit when it starts one (prefetch), so the answer is there
  // when it needs it unless its unit takes less than the interval.
  static double default_serve_interval();

  // The next shard for this rank, or nullopt when there is none left (or the run failed).
  // `rows_done`: this rank's rows so far, for the coordinator's progress report.
  std::optional<int> next(std::uint64_t rows_done);
  // Rank 0: answer waiting requests without blocking. No-op on other ranks.
  void serve();
  // serve() between the blocks of a unit: every time, or at most once per `serve_interval`
  // seconds (the constructor's). See default_serve_interval().
  void serve_between_blocks();
  // This rank failed: stop handing out shards everywhere. Call instead of next().
  void fail();
  // This rank was asked to stop (a signal): no more shards are handed out to any rank. Call
  // instead of next(); a shard received but not computed is simply not done.
  void interrupt();
  // Whether this rank knows that some rank asked to stop (rank 0: any rank; workers: itself).
  bool interrupted() const noexcept { return interrupted_; }
  // Every rank, after next() returned nullopt (collective): rank 0 answers requests until every
  // worker is told to stop; then all ranks meet, so no request can reach a later scheduler.
  void finish();

  std::size_t shards_total() const noexcept { return order_.size(); }
  std::size_t shards_handed_out() const noexcept { return next_index_; }
  std::uint64_t rows_reported() const;  // rank 0: rows of all ranks as last reported

 private:
  enum class Reason { failed, interrupted };
  void stop(Reason reason);
  void answer(int worker, const std::string& request);
  void answer_until_all_released();
  int take();

  Communicator& comm_;
  std::vector<int> order_;
  std::size_t next_index_ = 0;
  bool failed_ = false;
  bool interrupted_ = false;
  bool in_flight_ = false;        // worker: a request is outstanding
  bool let_go_ = false;           // worker: the coordinator answered "no shard" (it asks no more)
  int first_ = -1;                // this rank's own first shard (order[rank]), -1 once taken or none
  std::vector<bool> released_;    // rank 0: worker has been told to stop
  std::vector<std::uint64_t> rows_;
  std::chrono::duration<double> serve_interval_;
  std::chrono::steady_clock::time_point last_served_{};
};

}  // namespace finseg
