// The csv_source benchmark (scripts/bench-csv-source runs it; disabled in the suite): one core
// reads FINSEG_BENCH_CSV (a bank's transactions.csv) as units of FINSEG_BENCH_UNIT_MB through
// scan_unit + resolve_units + UnitReader, and the whole file through csv::Reader for comparison.
// Parsing only (fields are counted, not converted). Prints each run and the medians.
#include "csv/csv_reader.hpp"
#include "csv/csv_source.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace finseg::csv {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Pass {
  double scan_s = 0, read_s = 0;
  std::uint64_t rows = 0, fields = 0;
};

Pass units_pass(const std::filesystem::path& file, std::uint64_t unit_bytes) {
  Pass p;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<InputUnit> units = plan_units({file}, unit_bytes);
  std::vector<UnitScan> scans;
  for (const InputUnit& u : units) scans.push_back(scan_unit(u));
  resolve_units(units, scans);
  p.scan_s = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  Record rec;
  for (const InputUnit& u : units) {
    UnitReader reader(u);
    while (reader.next(rec)) {
      ++p.rows;
      p.fields += rec.fields.size();
    }
  }
  p.read_s = seconds_since(t0);
  return p;
}

Pass reader_pass(const std::filesystem::path& file) {
  Pass p;
  const auto t0 = std::chrono::steady_clock::now();
  Reader reader = Reader::open(file);
  Record rec;
  reader.next(rec);  // the header
  while (reader.next(rec)) {
    ++p.rows;
    p.fields += rec.fields.size();
  }
  p.read_s = seconds_since(t0);
  return p;
}

// FINSEG_BENCH_COMPRESSED: space-separated compressed copies of the file, each read as one unit
// (decompression and parsing on one core).
void compressed_copies(std::uint64_t rows, int repeat) {
  const char* list = std::getenv("FINSEG_BENCH_COMPRESSED");
  std::istringstream in(list ? list : "");
  for (std::string path; in >> path;) {
    const std::vector<InputUnit> units = plan_units({path}, 1);
    std::vector<double> times;
    for (int i = 0; i < repeat; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      UnitReader reader(units.at(0));
      Record rec;
      std::uint64_t n = 0;
      while (reader.next(rec)) ++n;
      times.push_back(seconds_since(t0));
      ASSERT_EQ(n, rows) << path;
      std::printf("run %d: %s %.3f s\n", i + 1, path.c_str(), times.back());
    }
    const double mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
    std::printf("csv_source %s (%.0f MB): %.3f s (%.2f M rows/s)\n", std::filesystem::path(path).filename().c_str(), mb,
                median(times), static_cast<double>(rows) / median(times) / 1e6);
  }
}

TEST(CsvSourceBench, DISABLED_TransactionsCsv) {
  const char* path = std::getenv("FINSEG_BENCH_CSV");
  if (!path) GTEST_SKIP() << "FINSEG_BENCH_CSV is not set";
  const std::filesystem::path file = path;
  const std::uint64_t unit_bytes = env_number("FINSEG_BENCH_UNIT_MB", 64) << 20;
  const int repeat = static_cast<int>(env_number("FINSEG_BENCH_REPEATS", 5));
  const double mb = static_cast<double>(std::filesystem::file_size(file)) / 1e6;
  (void)units_pass(file, unit_bytes);  // warm-up: the page cache
  std::vector<double> scan, read, total, reader;
  std::uint64_t rows = 0;
  for (int i = 0; i < repeat; ++i) {
    const Pass u = units_pass(file, unit_bytes);
    const Pass r = reader_pass(file);
    ASSERT_EQ(u.rows, r.rows);
    ASSERT_EQ(u.fields, r.fields);
    rows = u.rows;
    scan.push_back(u.scan_s);
    read.push_back(u.read_s);
    total.push_back(u.scan_s + u.read_s);
    reader.push_back(r.read_s);
    std::printf("run %d: scan %.3f s, UnitReader %.3f s, csv::Reader (whole file) %.3f s\n", i + 1, u.scan_s, u.read_s,
                r.read_s);
  }
  const double rows_d = static_cast<double>(rows);
  std::printf("csv_source: %s, %.0f MB, %llu rows, units of %llu MiB, medians of %d runs, one core\n",
              file.string().c_str(), mb, static_cast<unsigned long long>(rows),
              static_cast<unsigned long long>(unit_bytes >> 20), repeat);
  std::printf("csv_source scan_unit+resolve: %.3f s (%.0f MB/s)\n", median(scan), mb / median(scan));
  std::printf("csv_source UnitReader: %.3f s (%.2f M rows/s, %.0f MB/s)\n", median(read), rows_d / median(read) / 1e6,
              mb / median(read));
  std::printf("csv_source scan+read: %.3f s (%.2f M rows/s)\n", median(total), rows_d / median(total) / 1e6);
  std::printf("csv::Reader::open+next: %.3f s (%.2f M rows/s)\n", median(reader), rows_d / median(reader) / 1e6);
  compressed_copies(rows, repeat);
}

}  // namespace
}  // namespace finseg::csv
