// Structural invariants of a ShardData (CSR offsets, column lengths, enum ranges, label bits),
// checked before writing (a violation is a bug of the caller) and after reading (a violation
// is a corrupt store): a bad file must never turn into wrong numbers.
#pragma once

#include "core/shard_data.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace finseg {

struct ShardCounts {
  std::uint64_t users = 0;
  std::uint64_t accounts = 0;
  std::uint64_t transactions = 0;
};

// Empty when `data` is consistent with `counts` for the columns in `columns` (the CSR offsets
// are always checked); otherwise the first problem found. `label_names` is the number of
// taxonomy names: a label bit at or above it is a problem.
std::string shard_structure_problem(const ShardData& data, ColumnSet columns, const ShardCounts& counts,
                                    std::size_t label_names);

// A format 2 shard's names dictionary (a string column of its own length) and the ids into it
// (each below the dictionary's size): empty when consistent, else the problem, naming the dataset.
std::string name_dictionary_problem(const StringColumn& dict);
std::string name_ids_problem(const std::vector<std::uint32_t>& ids, std::size_t dict_size, std::uint64_t first = 0);

// The earliest and latest of `days` (none when empty).
struct DateRange {
  std::optional<Day> first;
  std::optional<Day> last;
};
DateRange date_range(const std::vector<Day>& days);

}  // namespace finseg
