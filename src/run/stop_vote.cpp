#include "run/stop_vote.hpp"

#include "parallel/collectives.hpp"

namespace finseg {

StopDecision agree_to_stop(Communicator& comm, bool stop_seen, std::uint64_t finished, std::uint64_t resumed, std::uint64_t total) {
  // The sum of the stop flags is the OR of them: one all-reduce carries both.
  const auto sums = all_sum<2>(comm, {stop_seen ? 1u : 0u, finished});
  return {sums[0] > 0 && resumed + sums[1] < total, sums[1]};
}

}  // namespace finseg
