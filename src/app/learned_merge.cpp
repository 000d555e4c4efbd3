#include "app/learned_merge.hpp"

namespace finseg {

LearnedCounts merge_learned_counts(Communicator& comm, const LearnedCounts& local) {
  const std::vector<std::string> parts = comm.gather(local.serialize(), 0);
  std::string merged;
  if (comm.is_root()) {
    LearnedCounts total = LearnedCounts::deserialize(parts.front());
    for (std::size_t r = 1; r < parts.size(); ++r) total.combine(LearnedCounts::deserialize(parts[r]));
    merged = total.serialize();
  }
  return LearnedCounts::deserialize(comm.broadcast(merged, 0));
}

}  // namespace finseg
