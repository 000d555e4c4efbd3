// How the CSV import cuts the sorted user list into shards (build_shards, in csv_rows.hpp, uses it).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace finseg::csv {

// Cuts items 0..n-1 (n = weights.size()) into `shards` contiguous blocks, block k being
// [bounds[k], bounds[k+1]) of the shards + 1 returned bounds. Each cut is placed at the
// item boundary nearest to an equal share of the total weight (ties: the earlier boundary), so the
// result depends on the weights only. With shards <= n every block has at least one item; with
// more shards than items the surplus blocks are empty.
std::vector<std::size_t> split_balanced(std::span<const std::uint64_t> weights, int shards);

}  // namespace finseg::csv
