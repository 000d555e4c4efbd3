// Quality on the demo bank: the generator writes German bank text with the true labels of every
// transaction. Hide the labels, label the text, and compare the sets exactly. The rules learn the
// generator's vocabulary, not its random choices: the cases the text cannot tell (a group label
// added to a leaf, the group alone, a yearly Amazon Prime also counted as shopping) are the
// allowance below 100 %.
#include "gen/demo_bank.hpp"
#include "label_test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>
#include <vector>

namespace finseg::test {
namespace {

constexpr double kRequiredAgreement = 0.98;

TEST(LabellerAccuracy, AgreesWithTheDemoBanksTrueLabels) {
  DemoBankParams p;
  p.users = 400;
  p.months = 25;
  p.seed = 20260315;
  p.shards = 2;
  p.snapshot_date = days_from_civil(2026, 3, 15);
  const Labeller& labeller = default_labeller();

  std::size_t total = 0, agree = 0;
  std::map<std::pair<LabelSet, LabelSet>, std::size_t> confusions;  // (true, assigned) -> count
  std::map<std::pair<LabelSet, LabelSet>, std::string> example;      // one text of each confusion
  for (int k = 0; k < p.shards; ++k) {
    const ShardData d = generate_demo_shard(p, k, taxonomy());
    for (std::size_t t = 0; t < d.transactions(); ++t) {
      const LabelSet got = labeller.label({d.purpose[t], d.counterpart_name[t], d.counterpart_iban[t], d.amount[t]});
      ++total;
      if (got == d.labels[t]) {
        ++agree;
        continue;
      }
      const auto key = std::make_pair(d.labels[t], got);
      if (confusions[key]++ == 0)
        example[key] = std::string(d.purpose[t]) + " | " + std::string(d.counterpart_name[t]) + " | " +
                       std::to_string(d.amount[t]);
    }
  }
  ASSERT_GT(total, 100000u);
  const double agreement = static_cast<double>(agree) / static_cast<double>(total);
  std::printf("labeller: exact label-set agreement %.3f %% on %zu transactions of %lld users (seed %llu)\n",
              100.0 * agreement, total, static_cast<long long>(p.users), static_cast<unsigned long long>(p.seed));

  std::vector<std::pair<std::size_t, std::pair<LabelSet, LabelSet>>> ranked;
  for (const auto& [key, n] : confusions) ranked.emplace_back(n, key);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string top;
  for (std::size_t i = 0; i < std::min<std::size_t>(ranked.size(), 15); ++i) {
    const auto& [n, key] = ranked[i];
    char line[96];
    std::snprintf(line, sizeof line, "%7zu (%.3f %%)  ", n, 100.0 * static_cast<double>(n) / static_cast<double>(total));
    top += line + ("true [" + taxonomy().format(key.first) + "] got [" + taxonomy().format(key.second) + "]  e.g. " +
                   example[key] + "\n");
  }
  std::printf("top confusions:\n%s", top.c_str());
  EXPECT_GE(agreement, kRequiredAgreement) << "seed " << p.seed << ", top confusions:\n" << top;
}

}  // namespace
}  // namespace finseg::test
