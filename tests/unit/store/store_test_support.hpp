// Shared helpers of the store tests: scratch folders, taxonomies, hand-built and synthetic
// shards, file byte access.
#pragma once

#include "core/shard_data.hpp"
#include "core/errors.hpp"
#include "core/taxonomy.hpp"
#include "io/taxonomy_file.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace finseg::test {

namespace fs = std::filesystem;

// The message of the StoreError `f` throws; a test failure when it throws none.
template <class F>
std::string store_error_of(F&& f) {
  try {
    f();
  } catch (const StoreError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no StoreError";
  return "";
}

// A fresh folder per test, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "finseg-store-test-" + std::to_string(::getpid());
    if (info) name += std::string("-") + info->test_suite_name() + "-" + info->name();
    for (char& c : name)
      if (c == '/') c = '_';
    path_ = fs::temp_directory_path() / name;
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline Taxonomy default_taxonomy() { return load_taxonomy(fs::path(FINSEG_SOURCE_DIR) / "config" / "labels.json"); }

// 64 names: 8 groups G0..G7 with 7 labels each, so every bit of a LabelSet is used.
inline Taxonomy full_taxonomy() {
  std::vector<LabelGroup> groups;
  for (int g = 0; g < 8; ++g) {
    LabelGroup group{"G" + std::to_string(g), {}};
    for (int l = 0; l < 7; ++l) group.labels.push_back("G" + std::to_string(g) + "_L" + std::to_string(l));
    groups.push_back(group);
  }
  return Taxonomy(groups);
}

inline Currency cur(const char* code) { return {code[0], code[1], code[2]}; }

// Every awkward case at once: a user without accounts, an account without transactions, empty
// strings, NUL/newline/UTF-8 bytes, all label bits, extreme amounts and dates, all account types.
inline ShardData hand_built_shard() {
  using namespace std::string_literals;
  ShardData d;
  d.add_user("");
  d.add_account("acc-\xc3\xa4\xc3\xb6\xc3\xbc", AccountType::checking, cur("EUR"), INT64_MAX, 20'000);
  d.add_transaction("t1", 19'000, INT64_MIN, ~LabelSet{0}, "", "", "");
  d.add_transaction("t2\0x"s, 19'001, INT64_MAX, LabelSet{1} << 63, "M\xc3\xbcller GmbH\n& Co. \"KG\"",
                    "DE89370400440532013000", "Miete\r\nJanuar,\0 2025 \xe2\x82\xac"s);
  d.add_transaction("t3", 19'001, 0, 0, " ", "", std::string(5000, 'x'));
  d.add_account("acc-empty", AccountType::bausparen, cur("CHF"), -1, -25'000);
  d.add_user("u-no-accounts");
  d.add_user("u3\n");
  for (int t = 0; t < 8; ++t)
    d.add_account("a" + std::to_string(t), static_cast<AccountType>(t), cur("USD"), -123456789 * t, t - 3);
  d.add_transaction("t4", -719'468, -1, LabelSet{1}, "\xf0\x9f\x92\xb6", "", "Nur \xe2\x82\xac");
  return d;
}

// Plausible bank data without the generator: sorted dates per account over 25 months, amounts
// mostly small card payments plus salary and rent, labels on about half of the rows, German
// purpose texts.
inline ShardData synthetic_shard(int users, std::uint64_t seed, const Taxonomy& taxonomy) {
  std::mt19937_64 rng(seed);
  auto pick = [&rng](std::uint64_t n) { return static_cast<std::int64_t>(rng() % n); };
  const std::vector<std::string> shops = {"REWE Markt GmbH", "EDEKA Center", "ALDI SUED", "Lidl Dienstleistung",
                                          "dm-drogerie markt", "Amazon EU S.a.r.l.", "Deutsche Bahn AG",
                                          "Shell Station", "Rossmann", "MediaMarkt"};
  const std::vector<std::string> insurers = {"Allianz Versicherungs-AG", "HUK-COBURG", "AXA Versicherung AG",
                                             "Techniker Krankenkasse"};
  const auto bit = [&](const char* name) { return LabelSet{1} << *taxonomy.bit_of(name); };
  const LabelSet groceries = bit("LIFESTYLE") | bit("GROCERIES");
  const LabelSet salary = bit("INCOME") | bit("SALARY");
  const LabelSet rent = bit("RENTANDLIVING") | bit("RENT");
  const LabelSet insurance = bit("INSURANCE") | bit("CARINSURANCE");
  const Day end = 20'700;  // 2026-09-04
  const Day start = end - 760;
  ShardData d;
  std::int64_t txn = 0;
  char buf[160];
  for (int u = 0; u < users; ++u) {
    std::snprintf(buf, sizeof buf, "u%07d", u);
    d.add_user(buf);
    const int accounts = 1 + static_cast<int>(pick(3));
    for (int a = 0; a < accounts; ++a) {
      std::snprintf(buf, sizeof buf, "u%07d-a%d", u, a);
      const auto type = a == 0 ? AccountType::checking : static_cast<AccountType>(1 + pick(7));
      d.add_account(buf, type, cur("EUR"), 100 * (pick(800'000) - 50'000), end);
      const int n = type == AccountType::checking ? 300 + static_cast<int>(pick(400)) : static_cast<int>(pick(40));
      std::vector<Day> days(static_cast<std::size_t>(n));
      for (auto& day : days) day = start + static_cast<Day>(pick(static_cast<std::uint64_t>(end - start + 1)));
      std::sort(days.begin(), days.end());
      for (const Day day : days) {
        std::snprintf(buf, sizeof buf, "tx%010lld", static_cast<long long>(txn++));
        const std::string id = buf;
        const auto kind = pick(100);
        if (kind < 4) {
          std::snprintf(buf, sizeof buf, "Gehalt %lld/2025 Muster Maschinenbau AG Personalnr. %05lld",
                        static_cast<long long>(1 + pick(12)), static_cast<long long>(pick(99'999)));
          d.add_transaction(id, day, 250'000 + pick(200'000), salary, "Muster Maschinenbau AG",
                            "DE02120300000000202051", buf);
        } else if (kind < 8) {
          d.add_transaction(id, day, -(80'000 + pick(60'000)), rent, "Hausverwaltung Schmidt & Partner",
                            "DE89370400440532013000", "Miete Wohnung Hauptstr. 12, 3. OG links");
        } else if (kind < 11) {
          const auto& insurer = insurers[static_cast<std::size_t>(pick(insurers.size()))];
          std::snprintf(buf, sizeof buf, "Beitrag Kfz-Versicherung Vertrag %08lld", static_cast<long long>(pick(100'000'000)));
          d.add_transaction(id, day, -(3'000 + pick(12'000)), insurance, insurer, "DE44500105175407324931", buf);
        } else {
          const auto& shop = shops[static_cast<std::size_t>(pick(shops.size()))];
          std::snprintf(buf, sizeof buf, "Kartenzahlung %s Filiale %04lld Datum %lld Uhrzeit %02lld:%02lld",
                        shop.c_str(), static_cast<long long>(pick(9999)), static_cast<long long>(day),
                        static_cast<long long>(pick(24)), static_cast<long long>(pick(60)));
          d.add_transaction(id, day, -(100 + pick(kind < 60 ? 8'000 : 30'000)), kind < 50 ? groceries : 0, shop, "",
                            buf);
        }
      }
    }
  }
  return d;
}

inline std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace finseg::test
