// Throughput of the learned labeller on one core (scripts/eval-labeller runs it): every step of an
// import with 70 % of the cells filled — learning from the labelled rows, training the
// classifier, labelling the rest (rules, memory, classifier, recurrence) — over demo-bank rows.
// A benchmark, not a test: disabled unless asked for with --gtest_also_run_disabled_tests.
#include "learned_eval.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

namespace finseg::test {
namespace {

TEST(LearnedBench, DISABLED_RowsPerSecond) {
  const std::vector<EvalRow> rows = demo_bank_rows(500, 25, 7, 0);
  const char* env = std::getenv("FINSEG_BENCH_REPEATS");
  const int repeats = env ? std::max(1, std::atoi(env)) : 5;
  std::vector<double> rates, cpu_rates, per_row_rates, train_cpu;
  for (int r = 0; r < repeats; ++r) {
    const EvalResult e = evaluate(rows, 70);
    rates.push_back(e.rows_per_second());
    cpu_rates.push_back(static_cast<double>(e.rows) / e.cpu_seconds);
    per_row_rates.push_back(static_cast<double>(e.rows) / (e.cpu_seconds - e.train_cpu_seconds));
    train_cpu.push_back(e.train_cpu_seconds);
    std::printf("run %d: %.0f rows/s, %.0f rows per CPU-second (%zu rows, %.3f s: reading %.3f, training %.3f, labelling %.3f; training CPU %.3f s; %s)\n", r + 1, rates.back(),
                cpu_rates.back(), e.rows, e.seconds, e.learn_seconds, e.train_seconds, e.seconds - e.learn_seconds - e.train_seconds, e.train_cpu_seconds,
                e.sources.format().c_str());
  }
  std::sort(rates.begin(), rates.end());
  for (auto* v : {&cpu_rates, &per_row_rates, &train_cpu}) std::sort(v->begin(), v->end());
  const std::size_t m = rates.size() / 2;
  std::printf("learned labeller: %zu rows, 70 %% labelled: median %.0f rows/s on one core, %.0f rows per CPU-second in all; "
              "the per-row steps %.0f rows per CPU-second, training once %.3f CPU-s\n",
              rows.size(), rates[m], cpu_rates[m], per_row_rates[m], train_cpu[m]);
}

}  // namespace
}  // namespace finseg::test

namespace finseg::test {
namespace {

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// The counterparty memory's bound (docs/labeller.md, "Memory per rank"): 3 million rows of distinct
// counterparties (an IBAN and a mandate each: 6 million keys) leave at most its capacity of keys,
// and the resident memory they add is printed. A measurement, not a test (its own suite, so that
// the LearnedBench.* of scripts/bench-labeller does not run it). FINSEG_BENCH_ROWS: rows.
TEST(LearnedMemoryBench, DISABLED_CounterpartyMemoryIsBounded) {
  const std::uint64_t kRows = std::getenv("FINSEG_BENCH_ROWS") ? std::strtoull(std::getenv("FINSEG_BENCH_ROWS"), nullptr, 10) : 3000000;
  const std::size_t before = resident_bytes();
  CounterpartyMemory memory;
  std::string iban, purpose;
  for (std::uint64_t i = 0; i < kRows; ++i) {
    iban = "DE" + std::to_string(10000000000000000000ULL + i * 7919);
    purpose = "Beitrag CRED+DE98ZZZ0000" + std::to_string(i % 1000) + " MREF+M" + std::to_string(i);
    memory.observe({purpose, "Versicherung", iban, -1000}, LabelSet{1} << (i % 7));
  }
  const std::size_t after = resident_bytes();
  std::printf("counterparty memory: %zu keys of capacity %zu after %llu rows; resident memory +%.1f MB\n", memory.keys(),
              memory.capacity(), static_cast<unsigned long long>(kRows), static_cast<double>(after - before) / 1e6);
  EXPECT_LE(memory.keys(), memory.capacity());
}

}  // namespace
}  // namespace finseg::test
