#include "run/stop_vote.hpp"

#include "parallel/collectives.hpp"

#include <cereal/types/string.hpp>

namespace finseg {

StopDecision agree_to_stop(Communicator& comm, bool stop_seen, std::uint64_t finished, std::uint64_t resumed, std::uint64_t total) {
  // The sum of the stop flags is the OR of them: one all-reduce carries both.
  const auto sums = all_sum<2>(comm, {stop_seen ? 1u : 0u, finished});
  return {sums[0] > 0 && resumed + sums[1] < total, sums[1]};
}

namespace {
struct Vote {
  bool stop_seen = false;
  std::uint64_t finished = 0;
  std::string payload;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(stop_seen, finished, payload);
  }
};
}  // namespace

StopDecision agree_to_stop(Communicator& comm, bool stop_seen, std::uint64_t finished, std::uint64_t resumed, std::uint64_t total,
                           const std::string& payload, std::vector<std::string>& payloads) {
  bool any_stop = false;
  std::uint64_t all_finished = 0;
  payloads.clear();
  for (auto& vote : all_gather_values(comm, Vote{stop_seen, finished, payload})) {
    any_stop = any_stop || vote.stop_seen;
    all_finished += vote.finished;
    payloads.push_back(std::move(vote.payload));
  }
  return {any_stop && resumed + all_finished < total, all_finished};
}

}  // namespace finseg
