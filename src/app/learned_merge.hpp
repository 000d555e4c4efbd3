// Merging the learned labeller's counts across ranks (docs/labeller.md): each rank folds the
// labelled rows it read into its own LearnedCounts; this gathers them at rank 0, combines them in
// rank order through LearnedCounts::combine (the one merge path) and gives every rank the merged
// state. combine is exact and order-independent, so the result is that of a serial fold at any
// rank count, and every rank trains the same model from it.
#pragma once

#include "parallel/communicator.hpp"
#include "label/learned_counts.hpp"

namespace finseg {

LearnedCounts merge_learned_counts(Communicator& comm, const LearnedCounts& local);

}  // namespace finseg
