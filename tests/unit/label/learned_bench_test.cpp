// Throughput of the learned labeller on one core (scripts/eval-labeller runs it): every step of an
// import with 70 % of the cells filled — learning from the labelled rows, training the
// classifier, labelling the rest (rules, memory, classifier, recurrence) — over demo-bank rows.
// A benchmark, not a test: disabled unless asked for with --gtest_also_run_disabled_tests.
#include "learned_eval.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

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
