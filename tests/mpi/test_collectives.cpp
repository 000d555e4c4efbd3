// The communicator's primitives and typed collectives against what a serial loop over the ranks
// gives, at whatever rank count the test runs.
#include "parallel/collectives.hpp"
#include "mpi_fixture.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <gtest/gtest.h>

using namespace finseg;
using finseg::testing::world;

namespace {
struct Totals {
  std::uint64_t users = 0;
  std::string name;
  std::vector<int> shards;
  template <class Archive>
  void serialize(Archive& ar) { ar(users, name, shards); }
  bool operator==(const Totals&) const = default;
};
Totals totals_of(int rank) { return {static_cast<std::uint64_t>(rank) * 10 + 1, "rank " + std::to_string(rank), std::vector<int>(static_cast<std::size_t>(rank), rank)}; }
}  // namespace

TEST(Collectives, ReductionsAndPrefixSum) {
  auto& comm = world();
  const int r = comm.rank(), n = comm.size();
  EXPECT_EQ(all_sum(comm, r + 1), n * (n + 1) / 2);
  EXPECT_EQ(all_max(comm, r * 7 % 5), [&] { std::int64_t m = 0; for (int i = 0; i < n; ++i) m = std::max<std::int64_t>(m, i * 7 % 5); return m; }());
  EXPECT_EQ(all_min(comm, 100 - r), 100 - (n - 1));
  EXPECT_EQ(any_rank(comm, r == n - 1), true);
  EXPECT_EQ(any_rank(comm, false), false);
  EXPECT_EQ(comm.exscan_sum(r + 1), r * (r + 1) / 2);  // 1 + 2 + ... + r
  const auto sums = all_sum<3>(comm, {1, static_cast<std::uint64_t>(r), 1ull << 40});
  EXPECT_EQ(sums[0], static_cast<std::uint64_t>(n));
  EXPECT_EQ(sums[1], static_cast<std::uint64_t>(n * (n - 1) / 2));
  EXPECT_EQ(sums[2], static_cast<std::uint64_t>(n) << 40);
}

TEST(Collectives, TypedGatherBroadcastAllToAll) {
  auto& comm = world();
  const int r = comm.rank(), n = comm.size();
  const auto gathered = gather_values(comm, totals_of(r), 0);
  const auto everywhere = all_gather_values(comm, totals_of(r));
  ASSERT_EQ(everywhere.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) EXPECT_EQ(everywhere[static_cast<std::size_t>(i)], totals_of(i));
  if (r == 0) EXPECT_EQ(gathered, everywhere);
  else EXPECT_TRUE(gathered.empty());
  EXPECT_EQ(broadcast_value(comm, totals_of(r), n - 1), totals_of(n - 1));

  std::vector<std::string> out;  // rank r sends "r>d" (d+1 times) to rank d, nothing to itself
  for (int d = 0; d < n; ++d) {
    std::string piece;
    if (d != r)
      for (int k = 0; k <= d; ++k) piece += std::to_string(r) + ">" + std::to_string(d) + ";";
    out.push_back(piece);
  }
  const auto in = comm.all_to_all(out);
  ASSERT_EQ(in.size(), static_cast<std::size_t>(n));
  for (int s = 0; s < n; ++s) {
    std::string expected;
    if (s != r)
      for (int k = 0; k <= r; ++k) expected += std::to_string(s) + ">" + std::to_string(r) + ";";
    EXPECT_EQ(in[static_cast<std::size_t>(s)], expected);
  }
}
