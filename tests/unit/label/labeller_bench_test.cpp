// Throughput of the labeller on one core, on demo-bank text (scripts/bench-labeller runs it).
// A benchmark, not a test: disabled unless asked for with --gtest_also_run_disabled_tests.
#include "gen/demo_bank.hpp"
#include "label_test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace finseg::test {
namespace {

TEST(LabellerBench, DISABLED_TransactionsPerSecond) {
  DemoBankParams p;
  p.users = 200;
  p.months = 25;
  p.seed = 7;
  p.shards = 1;
  p.snapshot_date = days_from_civil(2026, 3, 15);
  const ShardData d = generate_demo_shard(p, 0, taxonomy());
  std::vector<TransactionText> txns;
  txns.reserve(d.transactions());
  std::size_t bytes = 0;
  for (std::size_t t = 0; t < d.transactions(); ++t) {
    txns.push_back({d.purpose[t], d.counterpart_name[t], d.counterpart_iban[t], d.amount[t]});
    bytes += d.purpose[t].size() + d.counterpart_name[t].size() + d.counterpart_iban[t].size();
  }
  const Labeller& labeller = default_labeller();
  const char* env = std::getenv("FINSEG_BENCH_REPEATS");
  const int repeats = env ? std::max(1, std::atoi(env)) : 5;

  std::size_t sink = 0;
  for (const auto& t : txns) sink += labeller.label(t) != 0;  // warm the DFA caches
  std::vector<double> rates;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (const auto& t : txns) sink += labeller.label(t) != 0;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rates.push_back(static_cast<double>(txns.size()) / secs);
    std::printf("run %d: %.0f transactions/s\n", r + 1, rates.back());
  }
  std::sort(rates.begin(), rates.end());
  std::printf("labeller: %zu transactions (%.1f bytes of text each), %zu rules: median %.0f transactions/s on one core (%llu labelled per run)\n",
              txns.size(), static_cast<double>(bytes) / static_cast<double>(txns.size()), labeller.rules().size(),
              rates[rates.size() / 2], static_cast<unsigned long long>(sink) / static_cast<unsigned long long>(repeats + 1));
}

}  // namespace
}  // namespace finseg::test
