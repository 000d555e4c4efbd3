// The parallel import (app/import_store.hpp) under mpirun against the serial import_csv of the
// same files, on input made hostile on purpose: the same rejections and messages, the same rows
// in the same order (shard boundaries may differ), the same rejects file, at 1-4 ranks, with
// units so small that every range boundary falls inside records.
#include "parallel/on_every_rank.hpp"
#include "app/import_store.hpp"
#include "core/errors.hpp"
#include "io/taxonomy_file.hpp"
#include "label/labeller.hpp"
#include "label/learned_labeller.hpp"
#include "label/rule_file.hpp"
#include "mpi_fixture.hpp"
#include "store/store.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <random>

using namespace finseg;
using finseg::testing::SharedTempDir;
using finseg::testing::slurp;
using finseg::testing::world;

namespace {

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

// ~40 accounts of 12 users and ~600 transactions: mostly valid, with every kind of rejection of
// SEGMENTS.md 1.1 sprinkled in (seeded: the same files on every rank).
struct HostileBank {
  std::string accounts = "accountId,userId,accountType,currency,balance,balanceDate\r\n";
  std::string transactions = "transactionId,accountId,bookingDate,amount,counterpartName,counterpartIban,purpose,labels\n";
  std::vector<std::string> ids;  // accountIds that transactions may name
};

HostileBank hostile_bank(unsigned seed, bool with_errors) {
  std::mt19937 rng(seed);
  const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  HostileBank b;
  const char* types[] = {"checking", "savings", "creditCard", "loan"};
  for (int u = 0; u < 12; ++u)
    for (int a = 0; a < 3; ++a) {
      const std::string id = "acc-" + std::to_string(u) + "-" + std::to_string(a);
      b.ids.push_back(id);
      b.accounts += id + ",user-" + std::to_string((u * 7) % 12) + "," + types[pick(4)] + ",EUR," + std::to_string(pick(90000)) + ".50,2026-10-" +
                    std::to_string(10 + pick(10)) + "\r\n";
    }
  if (with_errors) {
    b.accounts += "acc-0-0,user-99,checking,EUR,1.00,2026-10-01\r\n";           // duplicate
    b.accounts += "acc-bad-cur,user-3,checking,eur,1.00,2026-10-01\r\n";         // currency
    b.accounts += "acc-bad-cur,user-3,checking,EUR,1.00,2026-10-01\r\n";         // duplicate of a rejected row
    b.accounts += "acc-few,user-4,checking\r\n";                                 // field count
    b.accounts += "acc-big-1,\"user-big\",loan,EUR,90000000000000000.00,2026-10-01\r\n";
    b.accounts += "acc-big-2,user-big,loan,EUR,-90000000000000000.00,2026-10-01\r\n";  // money bound
    b.accounts += ",user-5,checking,EUR,1.00,2026-10-01\r\n";                     // empty id
    b.accounts += "acc-date,user-5,checking,EUR,1.00,2026-13-01\r\n";              // date
    b.accounts += "acc-utf8,user-\xff,checking,EUR,1.00,2026-10-01\r\n";           // UTF-8
    for (const char* id : {"acc-bad-cur", "acc-big-2", "acc-nowhere", "acc-few"}) b.ids.push_back(id);
  }
  const char* purposes[] = {"Miete Oktober", "GEHALT \"Oktober\", netto", "Einkauf\nmit Zeilenumbruch", "Strom, Abschlag", ""};
  const char* labels[] = {"", "", "SALARY", "INCOME;SALARY", "HEALTHINSURANCE"};
  for (int t = 0; t < 600; ++t) {
    const std::string& acc = b.ids[pick(with_errors ? b.ids.size() : 36)];
    std::string id = "t" + std::to_string(t);
    if (with_errors && t % 97 == 50) id = "t" + std::to_string(t - 1 - static_cast<int>(pick(40)));  // duplicate
    std::string purpose = purposes[pick(5)];
    std::string quoted;
    for (const char c : purpose) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    std::string label = labels[pick(5)];
    std::string amount = (pick(2) ? "-" : "") + std::to_string(pick(5000)) + "." + std::to_string(10 + pick(90));
    std::string date = "2026-" + std::string(pick(2) ? "09" : "10") + "-0" + std::to_string(1 + pick(9));
    if (with_errors && t % 53 == 7) amount = "12,5";
    if (with_errors && t % 61 == 9) label = "NOLABEL";
    if (with_errors && t % 71 == 3) date = "2026-10-31";  // after the balanceDate
    if (with_errors && t % 89 == 11) amount = "92233720368547758.00";
    b.transactions += id + "," + acc + "," + date + "," + amount + ",\"Payer " + std::to_string(pick(6)) + "\",DE" +
                      std::to_string(pick(100)) + ",\"" + quoted + "\"," + label + "\n";
    if (with_errors && t % 113 == 5) b.transactions += "t-short,acc-1-1,2026-10-01\n";
  }
  return b;
}

// Every shard's rows appended into one: the store order without the shard boundaries.
ShardData flatten(const std::vector<ShardData>& shards) {
  ShardData all;
  for (const auto& s : shards)
    for (std::size_t u = 0; u < s.users(); ++u) all.add_user_from(s, u);
  return all;
}

struct Outcome {
  std::string error;  // empty: imported
  ShardData rows;
  std::string rejects;
  std::string sources;
  std::vector<std::string> checksums;  // of the shard files, in the manifest's order
  std::uint64_t grouped_shards = 0;
};

enum class Mode { none, rules, learn };

Outcome serial_import(const std::filesystem::path& dir, const Taxonomy& tax, const Labeller& rules, Mode mode,
                      std::uint64_t max_rejects, const std::filesystem::path& rejects) {
  ImportOptions o;
  o.shards = 3;
  o.max_rejects = max_rejects;
  o.rejects_file = max_rejects ? rejects : std::filesystem::path();
  LearnedLabeller learner(&rules, tax);
  if (mode != Mode::none) o.labeller = &rules;
  if (mode == Mode::learn) o.learner = &learner;
  Outcome out;
  try {
    out.rows = flatten(import_csv(dir, tax, o).shards);
    if (max_rejects) out.rejects = slurp(rejects);
    if (mode == Mode::learn) out.sources = learner.sources().format();
  } catch (const InputError& e) {
    out.error = e.what();
  }
  return out;
}

Outcome parallel_import(const std::filesystem::path& dir, const std::filesystem::path& store, const Taxonomy& tax,
                        const Labeller& rules, Mode mode, std::uint64_t max_rejects, const std::filesystem::path& rejects,
                        std::uint64_t unit_bytes, std::uint64_t memory_budget = std::uint64_t{512} << 20) {
  StoreImportOptions o;
  o.memory_budget = memory_budget;
  o.import.shards = 5;
  o.import.max_rejects = max_rejects;
  o.import.rejects_file = max_rejects ? rejects : std::filesystem::path();
  o.unit_bytes = unit_bytes;
  o.bucket_input_bytes = 5000;  // ~20 buckets of the duplicate check, spread over the ranks
  o.progress_seconds = 0;
  LearnedLabeller learner(&rules, tax);
  if (mode != Mode::none) o.import.labeller = &rules;
  if (mode == Mode::learn) o.import.learner = &learner;
  Outcome out;
  try {
    const StoreImportResult r = import_store(world(), dir, store, tax, o);
    const StoreManifest m = read_manifest(store);
    std::vector<ShardData> shards;
    for (const auto& s : m.shards) shards.push_back(read_shard(store, s));
    for (const auto& s : m.shards) out.checksums.push_back(s.checksum);
    out.grouped_shards = r.grouped_shards;
    out.rows = flatten(shards);
    if (max_rejects && world().is_root()) out.rejects = slurp(rejects);
    if (mode == Mode::learn) out.sources = r.sources.format();
  } catch (const CollectiveError& e) {
    out.error = e.what();
  }
  return out;
}

void expect_same_as_serial(bool with_errors, Mode mode, std::uint64_t max_rejects, std::uint64_t unit_bytes,
                           const std::function<void(HostileBank&)>& spoil = nullptr,
                           std::uint64_t memory_budget = std::uint64_t{512} << 20) {
  SharedTempDir tmp;
  const Taxonomy tax = load_taxonomy(default_taxonomy_path());
  const Labeller rules = load_labeller(default_label_rules_path(default_taxonomy_path()), tax);
  HostileBank b = hostile_bank(7, with_errors);
  if (spoil) spoil(b);
  if (world().is_root()) {
    write_text(tmp.path() / "csv" / "accounts.csv", "");
    std::filesystem::create_directories(tmp.path() / "csv");
    write_text(tmp.path() / "csv" / "accounts.csv", b.accounts);
    write_text(tmp.path() / "csv" / "transactions.csv", b.transactions);
  }
  world().barrier();
  const Outcome par = parallel_import(tmp.path() / "csv", tmp.path() / "store", tax, rules, mode, max_rejects,
                                      tmp.path() / "rejects-par.csv", unit_bytes, memory_budget);
  if (world().is_root()) {
    const Outcome ser = serial_import(tmp.path() / "csv", tax, rules, mode, max_rejects, tmp.path() / "rejects-ser.csv");
    EXPECT_EQ(par.error, ser.error);
    if (spoil) {
      EXPECT_FALSE(ser.error.empty()) << "the spoilt input is read without error: the test would prove nothing";
    }
    EXPECT_EQ(par.rejects, ser.rejects);
    EXPECT_EQ(par.sources, ser.sources);
    EXPECT_TRUE(par.rows == ser.rows) << "rows differ: " << par.rows.transactions() << " vs " << ser.rows.transactions();
    if (!par.error.empty()) {
      EXPECT_FALSE(std::filesystem::exists(tmp.path() / "store")) << "nothing is committed";
    }
    // The input is as hostile as meant: the rejections of every kind are there to compare.
    const std::string said = ser.error + ser.rejects;
    if (with_errors) {
      for (const char* reason : {"duplicate accountId", "duplicate transactionId", "the account was rejected", "no such account",
                                 "would overflow", "after the account's balanceDate", "fields, the header has", "UTF-8"})
        EXPECT_NE(said.find(reason), std::string::npos) << reason << " in:\n" << said;
    }
  }
  world().barrier();
}

// The same input imported with the default budget and with `budget`, so small that every shard
// is sorted in groups of users and its columns spooled: the same outcome, the same shard bytes,
// and nothing left beside the store (staging, groups, spools) after success or failure.
void expect_same_with_budget(bool with_errors, Mode mode, std::uint64_t max_rejects, std::uint64_t budget) {
  SharedTempDir tmp;
  const Taxonomy tax = load_taxonomy(default_taxonomy_path());
  const Labeller rules = load_labeller(default_label_rules_path(default_taxonomy_path()), tax);
  const HostileBank b = hostile_bank(11, with_errors);
  if (world().is_root()) {
    std::filesystem::create_directories(tmp.path() / "csv");
    write_text(tmp.path() / "csv" / "accounts.csv", b.accounts);
    write_text(tmp.path() / "csv" / "transactions.csv", b.transactions);
  }
  world().barrier();
  const Outcome large = parallel_import(tmp.path() / "csv", tmp.path() / "large", tax, rules, mode, max_rejects,
                                        tmp.path() / "rejects-large.csv", 400);
  const Outcome small = parallel_import(tmp.path() / "csv", tmp.path() / "small", tax, rules, mode, max_rejects,
                                        tmp.path() / "rejects-small.csv", 400, budget);
  if (world().is_root()) {
    const std::string what = "budget " + std::to_string(budget) + ", errors " + std::to_string(with_errors);
    EXPECT_EQ(small.error, large.error) << what;
    EXPECT_EQ(small.rejects, large.rejects) << what;
    EXPECT_EQ(small.sources, large.sources) << what;
    EXPECT_TRUE(small.rows == large.rows) << what;
    EXPECT_EQ(small.checksums, large.checksums) << what << ": the shard files depend on the budget";
    if (small.error.empty()) {
      EXPECT_EQ(large.grouped_shards, 0u) << what;
      EXPECT_GT(small.grouped_shards, 0u) << what << ": the budget did not force the external path";
    }
    for (const auto& entry : std::filesystem::directory_iterator(tmp.path())) {
      const std::string name = entry.path().filename().string();
      EXPECT_TRUE(name == "csv" || name == "large" || name == "small" || name.starts_with("rejects-")) << "left over: " << name;
    }
    if (small.error.empty()) {
      for (const auto& entry : std::filesystem::directory_iterator(tmp.path() / "small"))
        EXPECT_TRUE(entry.path().extension() == ".h5" || entry.path().filename() == "manifest.json") << "left in the store: " << entry.path();
    }
  }
  world().barrier();
}

}  // namespace

TEST(ImportMpi, CleanInputGivesTheSerialRowsWithEveryLabeller) {
  for (const Mode mode : {Mode::none, Mode::rules, Mode::learn}) expect_same_as_serial(false, mode, 0, 700);
}

TEST(ImportMpi, RejectedRowsFailWithTheSerialMessage) {
  for (const std::uint64_t unit : {std::uint64_t{64} << 20, std::uint64_t{300}, std::uint64_t{37}})
    expect_same_as_serial(true, Mode::rules, 0, unit);
}

TEST(ImportMpi, MaxRejectsSetsTheSameRowsAsideAcrossRanks) {
  expect_same_as_serial(true, Mode::learn, 1000, 500);
  expect_same_as_serial(true, Mode::none, 1000, 41);
}

TEST(ImportMpi, OneRejectTooManyFailsOnEveryRank) {
  expect_same_as_serial(true, Mode::rules, 5, 300);
  expect_same_as_serial(true, Mode::none, 40, 300);
}

// A file that cannot be read as CSV past some point (malformed quoting in its middle, so later
// units start with the wrong quote parity), or a header without a column: every rank fails with
// the serial reader's error (the first failing unit's in plan order), nothing is left hanging.
TEST(ImportMpi, UnreadableInputFailsWithTheSerialErrorOnEveryRank) {
  const auto at_middle = [](std::string& text, const std::string& insert) {
    const std::size_t line = text.find('\n', text.size() / 2) + 1;
    text.insert(line, insert);
  };
  for (const std::uint64_t unit : {std::uint64_t{64} << 20, std::uint64_t{200}, std::uint64_t{53}}) {
    expect_same_as_serial(false, Mode::none, 0, unit, [&](HostileBank& b) { at_middle(b.transactions, "t-bad,acc-1-1,2026-10-01,1.00,Pa\"yer,DE1,x,\n"); });
    expect_same_as_serial(false, Mode::rules, 0, unit, [&](HostileBank& b) { at_middle(b.transactions, "t-bad,acc-1-1,2026-10-01,1.00,\"Payer\"x,DE1,x,\n"); });
    expect_same_as_serial(false, Mode::none, 0, unit, [&](HostileBank& b) { at_middle(b.accounts, "acc-q,user-1,checking,EUR,\"1.00,2026-10-01\r\n"); });
  }
  expect_same_as_serial(false, Mode::none, 0, 100, [](HostileBank& b) { b.transactions.replace(0, b.transactions.find(','), "txnId"); });
}

// A shard larger than --memory-budget (import_shards.cpp): sorted in groups of users through the
// staging folder into the same bytes, with the same rejections (money bound and duplicates among
// them) as the serial import, whether groups hold one user (3 KiB; a user's rows are ~5-8 KB) or
// two (24 KiB: groups of 12 KiB, shards of ~12-20 KB).
TEST(ImportMpi, ShardsLargerThanTheBudgetGiveTheSameStore) {
  for (const std::uint64_t budget : {std::uint64_t{3} << 10, std::uint64_t{24} << 10}) {
    expect_same_with_budget(false, Mode::learn, 0, budget);
    expect_same_with_budget(true, Mode::learn, 1000, budget);
    expect_same_with_budget(true, Mode::rules, 0, budget);
    expect_same_as_serial(true, Mode::learn, 1000, 300, nullptr, budget);
    expect_same_as_serial(true, Mode::none, 5, 300, nullptr, budget);
  }
}
