// Typed collectives over the Communicator's primitives: what callers used to spell as text
// protocols over byte strings (an OR, a sum, a gather of a struct) said as what it is. A struct
// travels in its cereal form (parallel/wire.hpp); it needs a serialize() cereal can find.
#pragma once

#include "parallel/communicator.hpp"
#include "parallel/wire.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace finseg {

inline std::int64_t all_sum(Communicator& comm, std::int64_t value) {
  return comm.all_reduce({value}, Communicator::Reduce::sum)[0];
}
inline std::int64_t all_max(Communicator& comm, std::int64_t value) {
  return comm.all_reduce({value}, Communicator::Reduce::max)[0];
}
inline std::int64_t all_min(Communicator& comm, std::int64_t value) {
  return comm.all_reduce({value}, Communicator::Reduce::min)[0];
}
// Logical OR: whether any rank says yes (e.g. "some rank was asked to stop").
inline bool any_rank(Communicator& comm, bool value) { return all_max(comm, value ? 1 : 0) != 0; }

// Element-wise sum of unsigned counters (each must fit in int64 on every rank and in total).
template <std::size_t N>
std::array<std::uint64_t, N> all_sum(Communicator& comm, const std::array<std::uint64_t, N>& values) {
  std::vector<std::int64_t> v(values.begin(), values.end());
  const auto r = comm.all_reduce(v, Communicator::Reduce::sum);
  std::array<std::uint64_t, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = static_cast<std::uint64_t>(r[i]);
  return out;
}

// Root's value on every rank.
template <class T>
T broadcast_value(Communicator& comm, const T& value, int root = 0) {
  return from_bytes<T>(comm.broadcast(comm.rank() == root ? to_bytes(value) : std::string(), root));
}

// Every rank's value in rank order at root (an empty vector elsewhere).
template <class T>
std::vector<T> gather_values(Communicator& comm, const T& value, int root = 0) {
  std::vector<T> out;
  for (const auto& bytes : comm.gather(to_bytes(value), root)) out.push_back(from_bytes<T>(bytes));
  return out;
}

// Every rank's value in rank order on every rank.
template <class T>
std::vector<T> all_gather_values(Communicator& comm, const T& value) {
  std::vector<T> out;
  for (const auto& bytes : comm.all_gather(to_bytes(value))) out.push_back(from_bytes<T>(bytes));
  return out;
}

}  // namespace finseg
