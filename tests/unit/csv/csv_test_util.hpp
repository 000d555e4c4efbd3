// Helpers shared by the CSV tests: a temporary folder, file I/O, the default taxonomy, a small bank.
#pragma once

#include "core/errors.hpp"
#include "csv/csv_import.hpp"
#include "io/taxonomy_file.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace finseg::test {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("finseg-csv-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& file, const std::string& content) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << content;
  ASSERT_TRUE(out.good()) << file;
}

inline std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline const Taxonomy& taxonomy() {
  static const Taxonomy t = load_taxonomy(std::filesystem::path(FINSEG_SOURCE_DIR) / "config/labels.json");
  return t;
}

inline std::filesystem::path tiny_dir() { return std::filesystem::path(FINSEG_SHARED_DIR) / "examples/tiny"; }

inline constexpr const char* kAccountsHeader = "accountId,userId,accountType,currency,balance,balanceDate\n";
inline constexpr const char* kTransactionsHeader =
    "transactionId,accountId,bookingDate,amount,counterpartName,counterpartIban,purpose,labels\n";

// A valid two-account bank; `extra_*` lines are appended (line 4 of each file when given).
inline void write_bank(const std::filesystem::path& dir, const std::string& extra_accounts = "",
                       const std::string& extra_transactions = "") {
  write_file(dir / "accounts.csv", std::string(kAccountsHeader) +
                                       "a1,u1,checking,EUR,100.00,2024-04-10\n"
                                       "a2,u2,savings,USD,5,2024-03-31\n" +
                                       extra_accounts);
  write_file(dir / "transactions.csv", std::string(kTransactionsHeader) +
                                           "t1,a1,2024-01-01,-1.50,Shop,DE00,purpose,GROCERIES\n"
                                           "t2,a2,2024-03-31,2.00,,,,\n" +
                                           extra_transactions);
}

// The message of the InputError that importing `dir` throws (a failure when it does not throw).
inline std::string import_error(const std::filesystem::path& dir, const ImportOptions& options = {}) {
  try {
    (void)import_csv(dir, taxonomy(), options);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "import of " << dir << " did not throw InputError";
  return {};
}

inline ImportOptions with_shards(int shards) {
  ImportOptions options;
  options.shards = shards;
  return options;
}

// All shards of an import concatenated in order (what a one-shard import gives).
inline std::size_t total_transactions(const ImportResult& r) {
  std::size_t n = 0;
  for (const auto& s : r.shards) n += s.transactions();
  return n;
}

}  // namespace finseg::test
