// The segment kernels' entry points: which columns a job reads, and the scan of one shard.
// Pure compute: no MPI, no HDF5, no I/O. The per-account / per-user kernels over spans live in
// balance.hpp, income_spending.hpp, breakdown.hpp and insurance.hpp.
#pragma once

#include "core/columns.hpp"
#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"
#include "core/shard_data.hpp"
#include "core/taxonomy.hpp"

#include <cstddef>
#include <functional>
#include <span>

namespace finseg {

// The columns compute_segment reads for this request (the offsets are always read).
ColumnSet required_columns(const SegmentRequest& request);

// Scans one shard for one job and appends the qualifying users, in shard order (sorted by
// userId), to `out`. Throws OverflowError when a money sum leaves int64 cents and
// std::logic_error when a column the job needs was not read.
void compute_segment(const JobSpec& job, const Taxonomy& taxonomy, const ShardData& shard, SegmentPartial& out);

// About this many transactions make one block of compute_segments: with the ~28 bytes of
// columns a run reads per transaction, a block (~115 KiB) stays in the core's L2 cache (1 MiB
// here) while every job scans it, also beside what a scan decoding chunk by chunk holds (the
// chunks of 8,192 values the block is in, the LZ4 buffers, the block's own copy: ShardStream).
// Measured with cachegrind (docs/performance.md 2.3): blocks of 8192 beside that read missed L2
// 3.2x as often; each kernel sets up its per-job state again per block (+1.8 % instructions).
inline constexpr std::size_t kBlockTransactions = 4096;

// Every job of a run over one shard, block by block of users: each block of about
// kBlockTransactions transactions (whole users, at least one) is scanned by every job in turn
// while it is in cache, instead of each job streaming the whole shard again. out[j] gets job j's
// users, exactly what compute_segment gives. `between_blocks` is called after each block (rank 0
// answers the scheduler there); when it returns false the scan stops and `out` is incomplete.
// Returns whether every block was scanned.
bool compute_segments(std::span<const JobSpec> jobs, const Taxonomy& taxonomy, const ShardData& shard,
                      std::span<SegmentPartial> out, const std::function<bool()>& between_blocks);

// The end of the block of compute_segments that starts at user `begin` of `shard`: whole users,
// about kBlockTransactions transactions, at least one user. Only the CSR offsets are used, so a
// scan that reads a shard block by block (store/store.hpp, ShardStream) cuts the same blocks.
std::size_t block_end(const ShardData& shard, std::size_t begin);

}  // namespace finseg
