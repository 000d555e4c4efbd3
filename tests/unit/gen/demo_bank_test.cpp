// The demo bank: deterministic per user, structurally valid, and rich enough that every segment
// of SEGMENTS.md has members (overdraft-prone users, savers, all insurance frequencies, all groups).
#include "gen/demo_bank.hpp"
#include "io/taxonomy_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>

namespace finseg {
namespace {

const Taxonomy& taxonomy() {
  static const Taxonomy t = load_taxonomy(std::filesystem::path(FINSEG_SOURCE_DIR) / "config/labels.json");
  return t;
}

DemoBankParams small_bank(std::int64_t users, int shards) {
  DemoBankParams p;
  p.users = users;
  p.months = 25;
  p.seed = 4711;
  p.shards = shards;
  p.snapshot_date = days_from_civil(2026, 3, 25);
  return p;
}

// User u of a shard as a shard of its own, so that users can be compared across splits.
ShardData slice_user(const ShardData& d, std::size_t u) {
  ShardData out;
  out.add_user_from(d, u);
  return out;
}

// The whole bank at a given shard count, user by user.
std::map<std::string, ShardData> users_of(const DemoBankParams& p) {
  std::map<std::string, ShardData> users;
  for (int k = 0; k < p.shards; ++k) {
    const ShardData d = generate_demo_shard(p, k, taxonomy());
    for (std::size_t u = 0; u < d.users(); ++u) users.emplace(std::string(d.user_id[u]), slice_user(d, u));
  }
  return users;
}

// End-of-day balance of account a at the end of every day of [first, last] (SEGMENTS.md 1.3).
std::vector<Cents> end_of_day(const ShardData& d, std::size_t a, Day first, Day last) {
  std::vector<Cents> eod(static_cast<std::size_t>(last - first + 1));
  Cents balance = d.balance[a];
  auto t = d.account_txn_offsets[a + 1];
  for (Day day = last; day >= first; --day) {
    // Undo bookings after `day`.
    while (t > d.account_txn_offsets[a] && d.booking_date[static_cast<std::size_t>(t - 1)] > day) {
      balance -= d.amount[static_cast<std::size_t>(t - 1)];
      --t;
    }
    eod[static_cast<std::size_t>(day - first)] = balance;
  }
  return eod;
}

std::string normalise(std::string_view name) {
  std::string out;
  bool space = false;
  for (const char c : name) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

TEST(DemoBank, SameShardTwiceIsEqual) {
  const auto p = small_bank(40, 2);
  EXPECT_EQ(generate_demo_shard(p, 1, taxonomy()), generate_demo_shard(p, 1, taxonomy()));
}

TEST(DemoBank, UsersDoNotDependOnTheShardSplit) {
  const auto one = users_of(small_bank(50, 1));
  ASSERT_EQ(one.size(), 50u);
  for (const int shards : {3, 7}) {
    const auto split = users_of(small_bank(50, shards));
    ASSERT_EQ(split.size(), one.size()) << shards << " shards";
    for (const auto& [id, data] : one) EXPECT_TRUE(split.at(id) == data) << "user " << id << " differs at " << shards << " shards";
  }
}

TEST(DemoBank, ShardsCoverAllUsersInOrder) {
  const auto p = small_bank(103, 7);
  std::int64_t next = 0;
  for (int k = 0; k < p.shards; ++k) {
    const auto [first, last] = demo_shard_users(p, k);
    EXPECT_EQ(first, next);
    next = last;
  }
  EXPECT_EQ(next, p.users);
  EXPECT_LT(demo_user_id(9), demo_user_id(10));
}

TEST(DemoBank, StructuralInvariants) {
  const auto p = small_bank(120, 2);
  const Day history_start = first_day_of_month(month_of(p.snapshot_date) - p.months + 1);
  std::set<std::string> txn_ids;
  std::set<std::string> account_ids;
  for (int k = 0; k < p.shards; ++k) {
    const ShardData d = generate_demo_shard(p, k, taxonomy());
    ASSERT_EQ(d.user_account_offsets.size(), d.users() + 1);
    ASSERT_EQ(d.account_txn_offsets.size(), d.accounts() + 1);
    ASSERT_EQ(static_cast<std::size_t>(d.user_account_offsets.back()), d.accounts());
    ASSERT_EQ(static_cast<std::size_t>(d.account_txn_offsets.back()), d.transactions());
    ASSERT_EQ(d.transaction_id.size(), d.transactions());
    ASSERT_EQ(d.purpose.size(), d.transactions());
    ASSERT_EQ(d.labels.size(), d.transactions());
    for (std::size_t u = 0; u + 1 < d.users(); ++u) EXPECT_LT(d.user_id[u], d.user_id[u + 1]);
    for (std::size_t u = 0; u < d.users(); ++u) {
      const auto a0 = static_cast<std::size_t>(d.user_account_offsets[u]);
      const auto a1 = static_cast<std::size_t>(d.user_account_offsets[u + 1]);
      ASSERT_LT(a0, a1) << "every user has an account";
      EXPECT_EQ(d.account_id[a0].substr(0, d.user_id[u].size()), d.user_id[u]);
      bool has_checking = false;
      for (std::size_t a = a0; a < a1; ++a) {
        if (a + 1 < a1) {
          EXPECT_LT(d.account_id[a], d.account_id[a + 1]);
        }
        has_checking |= d.account_type[a] == AccountType::checking;
        EXPECT_TRUE(account_ids.insert(std::string(d.account_id[a])).second);
        EXPECT_LE(d.balance_date[a], p.snapshot_date);
        EXPECT_GE(d.balance_date[a], p.snapshot_date - 7);
        Cents sum = 0;
        for (auto t = d.account_txn_offsets[a]; t < d.account_txn_offsets[a + 1]; ++t) {
          const auto ti = static_cast<std::size_t>(t);
          if (t > d.account_txn_offsets[a]) {
            EXPECT_LE(d.booking_date[ti - 1], d.booking_date[ti]);
          }
          EXPECT_GE(d.booking_date[ti], history_start);
          EXPECT_LE(d.booking_date[ti], d.balance_date[a]);
          EXPECT_TRUE(txn_ids.insert(std::string(d.transaction_id[ti])).second) << d.transaction_id[ti];
          const auto iban = d.counterpart_iban[ti];
          if (!iban.empty()) {
            EXPECT_EQ(iban.size(), 22u) << iban;
            EXPECT_EQ(iban.substr(0, 2), "DE") << iban;
          }
          sum += d.amount[ti];
        }
        // A plausible balance: far from the int64 edge, and an opening balance exists.
        EXPECT_LT(std::abs(d.balance[a] - sum), Cents{1000000000}) << d.account_id[a];
      }
      EXPECT_TRUE(has_checking);
    }
  }
}

TEST(DemoBank, LabelledKindsCarryLabelsAndTextMatches) {
  const auto p = small_bank(200, 1);
  const ShardData d = generate_demo_shard(p, 0, taxonomy());
  const Taxonomy& t = taxonomy();
  const auto bit = [&](const char* name) { return LabelSet{1} << *t.bit_of(name); };
  std::size_t checked = 0;
  for (std::size_t i = 0; i < d.transactions(); ++i) {
    const auto purpose = d.purpose[i];
    const auto name = d.counterpart_name[i];
    const auto expect = [&](bool applies, LabelSet want) {
      if (!applies) return;
      ++checked;
      EXPECT_NE(d.labels[i] & want, 0u) << name << " | " << purpose;
    };
    expect(purpose.rfind("REWE SAGT DANKE", 0) == 0, bit("GROCERIES"));
    expect(purpose.rfind("RENTE ", 0) == 0, bit("PENSION"));
    expect(purpose.rfind("LOHN / GEHALT", 0) == 0, bit("SALARY"));
    expect(purpose.rfind("Miete ", 0) == 0 && d.amount[i] < 0, bit("RENT"));
    expect(purpose.rfind("Abrechnung Sollzinsen", 0) == 0, bit("OVERDRAFTINTEREST"));
    expect(name.find("Lotto24") != std::string_view::npos, bit("GAMBLING"));
    expect(purpose.find("Kfz-Versicherung") != std::string_view::npos || purpose.find("Kfz-Haftpflicht") != std::string_view::npos, bit("CARINSURANCE") | bit("INSURANCE"));
    expect(purpose.find("Kindergeld") != std::string_view::npos, bit("CHILDBENEFIT"));
    if (purpose.rfind("Kreditkartenabrechnung", 0) == 0) {
      EXPECT_EQ(d.labels[i], 0u);
    }
    // Card payments have no counterpart IBAN; every labelled leaf exists in the taxonomy.
    EXPECT_EQ(d.labels[i] >> t.size(), 0u);
  }
  EXPECT_GT(checked, 300u);
}

TEST(DemoBank, VolumesAreRealistic) {
  const auto p = small_bank(300, 1);
  const ShardData d = generate_demo_shard(p, 0, taxonomy());
  const double per_user_month = static_cast<double>(d.transactions()) / (300.0 * p.months);
  std::printf("[ demo bank ] %zu users, %zu accounts, %zu transactions: %.1f per user and month\n", d.users(), d.accounts(),
              d.transactions(), per_user_month);
  EXPECT_GT(per_user_month, 28.0);
  EXPECT_LT(per_user_month, 52.0);
  // The spread of balances, for the eye (printed, not asserted).
  std::map<AccountType, std::vector<Cents>> balances;
  for (std::size_t a = 0; a < d.accounts(); ++a) balances[d.account_type[a]].push_back(d.balance[a]);
  for (auto& [type, values] : balances) {
    std::sort(values.begin(), values.end());
    const auto at = [&](std::size_t pct) { return static_cast<double>(values[(values.size() - 1) * pct / 100]) / 100.0; };
    std::printf("[ demo bank ] %-10s n=%4zu  min %10.2f  p10 %10.2f  median %10.2f  p90 %10.2f  max %10.2f\n",
                std::string(to_string(type)).c_str(), values.size(), at(0), at(10), at(50), at(90), at(100));
  }
  std::map<AccountType, int> types;
  for (const auto type : d.account_type) ++types[type];
  EXPECT_EQ(types[AccountType::checking], 300);
  EXPECT_NEAR(types[AccountType::savings], 150, 45);
  EXPECT_NEAR(types[AccountType::creditCard], 105, 35);
  for (const auto type : {AccountType::security, AccountType::loan, AccountType::pocket, AccountType::membership, AccountType::bausparen})
    EXPECT_GT(types[type], 0) << to_string(type);
}

TEST(DemoBank, EveryPersonaAndLabelIsPresent) {
  const auto p = small_bank(400, 1);
  const ShardData d = generate_demo_shard(p, 0, taxonomy());
  const Taxonomy& t = taxonomy();
  const MonthWindow window = window_before(p.snapshot_date, 12);

  int overdraft_prone = 0, low_every_month = 0, savers = 0;
  for (std::size_t u = 0; u < d.users(); ++u) {
    Cents savings = 0, checking = 0;
    for (auto a = static_cast<std::size_t>(d.user_account_offsets[u]); a < static_cast<std::size_t>(d.user_account_offsets[u + 1]); ++a) {
      if (d.account_type[a] == AccountType::savings) savings = d.balance[a];
      if (d.account_type[a] != AccountType::checking) continue;
      checking = d.balance[a];
      const auto eod = end_of_day(d, a, window.first_day, window.last_day);
      int low_months = 0;
      for (MonthNumber m = window.first_month; m <= window.last_month(); ++m) {
        Cents low = INT64_MAX;
        for (Day day = first_day_of_month(m); day <= last_day_of_month(m); ++day)
          low = std::min(low, eod[static_cast<std::size_t>(day - window.first_day)]);
        low_months += low < -10000;
      }
      overdraft_prone += low_months >= 6;
      low_every_month += low_months == 12;
    }
    savers += savings > 1000000 && checking > 500000;
  }
  std::printf("[ demo bank ] of 400 users: %d overdraft-prone, %d below -100 in all of 12 months, %d savers\n", overdraft_prone,
              low_every_month, savers);
  EXPECT_GE(overdraft_prone, 20);
  EXPECT_GE(low_every_month, 10);
  EXPECT_GE(savers, 20);

  // Every group and every leaf label occurs.
  LabelSet seen = 0;
  for (const auto l : d.labels) seen |= l;
  for (std::size_t g = 0; g < t.groups().size(); ++g) {
    EXPECT_NE(seen & t.group_mask(static_cast<int>(g)), 0u) << t.groups()[g].name;
  }
  for (std::size_t b = 0; b < t.size(); ++b) {
    const int bi = static_cast<int>(b);
    if (!t.is_group_bit(bi) || t.groups()[static_cast<std::size_t>(t.group_of_bit(bi))].labels.empty()) {
      EXPECT_NE(seen & (LabelSet{1} << b), 0u) << t.names()[b];
    }
  }

  // Insurance contracts (account, provider, type) of every frequency, by the median gap of 2.5.
  const int ins = *t.group_index("INSURANCE");
  std::map<std::tuple<std::size_t, std::string, int>, std::vector<Day>> contracts;
  for (std::size_t a = 0; a < d.accounts(); ++a)
    for (auto ti = static_cast<std::size_t>(d.account_txn_offsets[a]); ti < static_cast<std::size_t>(d.account_txn_offsets[a + 1]); ++ti) {
      const LabelSet l = d.labels[ti];
      if (d.amount[ti] >= 0 || !(l & t.group_mask(ins))) continue;
      int type = -1;
      for (std::size_t b = 0; b < t.size(); ++b)
        if ((l >> b & 1) && !t.is_group_bit(static_cast<int>(b)) && t.group_of_bit(static_cast<int>(b)) == ins) {
          type = static_cast<int>(b);
          break;
        }
      auto& dates = contracts[{a, normalise(d.counterpart_name[ti]), type}];
      if (dates.empty() || dates.back() != d.booking_date[ti]) dates.push_back(d.booking_date[ti]);
    }
  std::map<std::string, int> frequencies;
  std::set<std::string> raw_names;
  for (const auto& [key, dates] : contracts) {
    if (dates.size() < 2) {
      ++frequencies["UNKNOWN"];
      continue;
    }
    std::vector<int> gaps;
    for (std::size_t i = 1; i < dates.size(); ++i) gaps.push_back(dates[i] - dates[i - 1]);
    std::sort(gaps.begin(), gaps.end());
    const double median = gaps.size() % 2 ? gaps[gaps.size() / 2] : (gaps[gaps.size() / 2 - 1] + gaps[gaps.size() / 2]) / 2.0;
    const char* f = median >= 20 && median <= 40     ? "MONTHLY"
                    : median >= 80 && median <= 100  ? "QUARTERLY"
                    : median >= 170 && median <= 200 ? "HALF_YEARLY"
                    : median >= 340 && median <= 390 ? "YEARLY"
                                                     : "IRREGULAR";
    ++frequencies[f];
  }
  for (std::size_t i = 0; i < d.transactions(); ++i)
    if (d.labels[i] & t.group_mask(ins)) raw_names.insert(std::string(d.counterpart_name[i]));
  for (const auto& [f, n] : frequencies) std::printf("[ demo bank ] insurance contracts %s: %d\n", f.c_str(), n);
  for (const char* f : {"MONTHLY", "QUARTERLY", "HALF_YEARLY", "YEARLY"}) EXPECT_GE(frequencies[f], 5) << f;
  EXPECT_GT(frequencies["MONTHLY"] + frequencies["QUARTERLY"] + frequencies["HALF_YEARLY"] + frequencies["YEARLY"],
            4 * (frequencies["IRREGULAR"] + 1));
  const bool noisy = std::any_of(raw_names.begin(), raw_names.end(), [](const std::string& n) { return n != normalise(n); });
  EXPECT_TRUE(noisy) << "some provider names carry extra white space";
}

TEST(DemoBank, GenerationSpeed) {
  // Printed, not asserted: 2,000 users x 25 months.
  const auto p = small_bank(2000, 1);
  const auto start = std::chrono::steady_clock::now();
  const ShardData d = generate_demo_shard(p, 0, taxonomy());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ demo bank ] generated %zu transactions of 2000 users x 25 months in %.3f s: %.2f M transactions/s\n",
              d.transactions(), secs, static_cast<double>(d.transactions()) / secs / 1e6);
  EXPECT_GT(d.transactions(), 0u);
}

}  // namespace
}  // namespace finseg
