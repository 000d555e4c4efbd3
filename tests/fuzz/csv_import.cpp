// libFuzzer target: the whole CSV import (SEGMENTS.md 1.1: row validation, money, dates, labels,
// the rule-based labeller, rejects file, shard partition) on arbitrary files.
// Input: accounts.csv, a NUL byte, transactions.csv (without a NUL byte, transactions.csv is
// its header only). Up to 3 rejected rows are set aside, so the rejects path is fuzzed too.
#include "core/errors.hpp"
#include "csv/csv_import.hpp"
#include "io/taxonomy_file.hpp"
#include "label/labeller.hpp"
#include "label/rule_file.hpp"

#include "fuzz_support.hpp"

namespace {

using namespace finseg;

const Taxonomy& taxonomy() {
  static const Taxonomy t = load_default_taxonomy();
  return t;
}

const Labeller& labeller() {
  static const Labeller l = load_labeller(default_label_rules_path(default_taxonomy_path()), taxonomy());
  return l;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::as_text(data, size);
  const std::size_t nul = input.find('\0');
  const std::string_view accounts = input.substr(0, nul);
  const std::string_view transactions =
      nul == std::string_view::npos
          ? std::string_view("transactionId,accountId,bookingDate,amount,counterpartName,counterpartIban,purpose,labels\n")
          : input.substr(nul + 1);
  const auto dir = fuzz::scratch_dir() / "csv";
  std::filesystem::create_directories(dir);
  fuzz::write_bytes(dir / "accounts.csv", accounts);
  fuzz::write_bytes(dir / "transactions.csv", transactions);
  const auto rejects = fuzz::scratch_dir() / "rejects.csv";
  std::filesystem::remove(rejects);

  ImportOptions options;
  options.shards = 2;
  options.max_rejects = 3;
  options.rejects_file = rejects;
  options.labeller = &labeller();
  try {
    const ImportResult result = import_csv(dir, taxonomy(), options);
    std::uint64_t accounts_in_shards = 0, transactions_in_shards = 0;
    for (const auto& shard : result.shards) {
      accounts_in_shards += shard.accounts();
      transactions_in_shards += shard.transactions();
    }
    if (accounts_in_shards != result.account_rows || transactions_in_shards != result.transaction_rows)
      fuzz::broken("the shards hold other row counts than the import accepted");
  } catch (const Error&) {
  }
  return 0;
}
