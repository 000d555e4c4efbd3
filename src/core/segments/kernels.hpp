// The segment kernels' entry points: which columns a job reads, and the scan of one shard.
// Pure compute: no MPI, no HDF5, no I/O. The per-account / per-user kernels over spans live in
// balance.hpp, income_spending.hpp, breakdown.hpp and insurance.hpp.
#pragma once

#include "core/columns.hpp"
#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"
#include "core/shard_data.hpp"
#include "core/taxonomy.hpp"

namespace finseg {

// The columns compute_segment reads for this request (the offsets are always read).
ColumnSet required_columns(const SegmentRequest& request);

// Scans one shard for one job and appends the qualifying users, in shard order (sorted by
// userId), to `out`. Throws OverflowError when a money sum leaves int64 cents and
// std::logic_error when a column the job needs was not read.
void compute_segment(const JobSpec& job, const Taxonomy& taxonomy, const ShardData& shard, SegmentPartial& out);

}  // namespace finseg
