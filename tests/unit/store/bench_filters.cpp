// Filter measurement (scripts/measure-filters runs it; disabled in normal test runs):
// writes the same synthetic shard with each filter chain and measures write time, read time
// of the numeric scan columns and of all columns, and bytes per transaction.
// FINSEG_BENCH_USERS (default 400) sets the size, FINSEG_BENCH_REPEAT (default 3) the repeats.
#include "store/h5_shard.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace finseg {
namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

// Stored bytes of the datasets a segment scan reads (dates, amounts, labels, CSR offsets).
std::uint64_t scan_storage_bytes(const std::filesystem::path& file) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  std::uint64_t total = 0;
  for (const char* name : {"/transactions/booking_date", "/transactions/amount", "/transactions/labels",
                           "/accounts/transaction_offsets", "/users/account_offsets"}) {
    const hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    total += H5Dget_storage_size(d);
    H5Dclose(d);
  }
  H5Fclose(f);
  return total;
}

// Drops this one file's pages from the page cache (no effect on anything else on the machine).
void evict_from_page_cache(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY);
  ::fdatasync(fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST(FilterBench, DISABLED_Measure) {
  const int users = env_int("FINSEG_BENCH_USERS", 400);
  const int repeat = std::max(1, env_int("FINSEG_BENCH_REPEAT", 3));
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData data = test::synthetic_shard(users, 42, taxonomy);
  const double n = static_cast<double>(data.transactions());
  std::uint64_t text_bytes = data.purpose.bytes().size() + data.counterpart_name.bytes().size() +
                             data.counterpart_iban.bytes().size() + data.transaction_id.bytes().size();
  std::printf("synthetic shard: %zu users, %zu accounts, %zu transactions, %.1f text bytes/transaction\n",
              data.users(), data.accounts(), data.transactions(), static_cast<double>(text_bytes) / n);
  const std::uint64_t chunk = static_cast<std::uint64_t>(env_int("FINSEG_BENCH_CHUNK", 1 << 16));
  std::printf("chunk_elements %llu, best of %d runs; Mt/s = million transactions per second;\n"
              "scan = read_shard(booking_date|amount|labels) as a run reads (no whole-file CRC), warm = page\n"
              "cache, cold = the file evicted from the page cache first; +crc = the same scan with the whole-file\n"
              "CRC (verify_file_checksum), warm; all = read_shard(all columns), warm\n",
              static_cast<unsigned long long>(chunk), repeat);
  std::printf("%-20s %7s %9s %10s %10s %10s %10s %9s\n", "filter", "B/txn", "scanB/txn", "write Mt/s", "scan warm",
              "scan cold", "scan+crc", "all Mt/s");

  struct Candidate {
    const char* name;
    ShardWriteOptions::Filter filter;
    int level;  // deflate or lz4 level
    int text_level = 0;  // lz4 level of the text columns (0: `level`)
  };
  using F = ShardWriteOptions::Filter;
  std::vector<Candidate> candidates = {{"none", F::none, 0},
                                       {"deflate(1)", F::deflate, 1},
                                       {"shuffle+deflate(1)", F::shuffle_deflate, 1},
                                       {"shuffle+deflate(4)", F::shuffle_deflate, 4},
                                       {"lz4", F::lz4, 1},
                                       {"shuffle+lz4", F::shuffle_lz4, 1},
                                       {"lz4hc(4)", F::lz4, 4},
                                       {"shuffle+lz4hc(4)", F::shuffle_lz4, 4},
                                       {"shuffle+lz4hc(4)/lz4", F::shuffle_lz4, 4, 1},  // the default: LZ4 texts
                                       {"shuffle+lz4hc(9)", F::shuffle_lz4, 9}};
  if (h5::szip_encoder_available())
    candidates.push_back({"szip(nn,32)", F::szip, 0});
  else
    std::printf("szip: no encoder in this HDF5 build, skipped\n");

  test::ScratchDir dir;
  for (const auto& c : candidates) {
    ShardWriteOptions options;
    options.filter = c.filter;
    options.deflate_level = c.filter == F::deflate || c.filter == F::shuffle_deflate ? c.level : 1;
    options.lz4_level = c.filter == F::lz4 || c.filter == F::shuffle_lz4 ? c.level : 1;
    options.text_lz4_level = c.text_level > 0 ? c.text_level : options.lz4_level;
    options.chunk_elements = chunk;
    double write_s = 1e9, scan_s = 1e9, cold_s = 1e9, crc_s = 1e9, all_s = 1e9;
    ShardInfo info;
    for (int r = 0; r < repeat; ++r) {
      const auto file = dir / (std::string("shard-") + std::to_string(r) + ".h5");
      std::filesystem::remove(file);
      auto t0 = std::chrono::steady_clock::now();
      info = write_shard(file, data, taxonomy, options);
      write_s = std::min(write_s, seconds_since(t0));
      evict_from_page_cache(file);
      t0 = std::chrono::steady_clock::now();
      const ShardData cold = read_shard(dir.path(), info, kBookingDate | kAmount | kLabels);
      cold_s = std::min(cold_s, seconds_since(t0));
      t0 = std::chrono::steady_clock::now();
      const ShardData scan = read_shard(dir.path(), info, kBookingDate | kAmount | kLabels);
      scan_s = std::min(scan_s, seconds_since(t0));
      EXPECT_EQ(scan.amount, data.amount);
      EXPECT_EQ(cold.labels, data.labels);
      t0 = std::chrono::steady_clock::now();
      const ShardData crc = read_shard(dir.path(), info, kBookingDate | kAmount | kLabels, true);
      crc_s = std::min(crc_s, seconds_since(t0));
      EXPECT_EQ(crc.booking_date, data.booking_date);
      t0 = std::chrono::steady_clock::now();
      const ShardData all = read_shard(dir.path(), info, kAllColumns);
      all_s = std::min(all_s, seconds_since(t0));
      EXPECT_EQ(all, data);
    }
    const auto file = dir / "shard-0.h5";
    std::printf("%-20s %7.1f %9.1f %10.2f %10.2f %10.2f %10.2f %9.2f\n", c.name, static_cast<double>(info.bytes) / n,
                static_cast<double>(scan_storage_bytes(file)) / n, n / write_s / 1e6, n / scan_s / 1e6,
                n / cold_s / 1e6, n / crc_s / 1e6, n / all_s / 1e6);
    for (int r = 0; r < repeat; ++r) std::filesystem::remove(dir / (std::string("shard-") + std::to_string(r) + ".h5"));
  }
}

// Writes one synthetic shard to $FINSEG_SAMPLE_OUT (for h5dump/h5py checks of the docs and for
// byte-identity checks across processes).
TEST(FilterBench, DISABLED_WriteSample) {
  const char* out = std::getenv("FINSEG_SAMPLE_OUT");
  ASSERT_NE(out, nullptr) << "set FINSEG_SAMPLE_OUT";
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardInfo info = write_shard(out, test::synthetic_shard(env_int("FINSEG_BENCH_USERS", 3), 42, taxonomy), taxonomy);
  std::printf("%s %llu bytes %s\n", out, static_cast<unsigned long long>(info.bytes), info.checksum.c_str());
}

}  // namespace
}  // namespace finseg
