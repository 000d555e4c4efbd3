// The learned labeller's counts merged over the ranks equal a serial fold of all rows, byte for
// byte, and train the same model on every rank (docs/labeller.md), at 1-4 ranks.
#include "app/learned_merge.hpp"
#include "gen/demo_bank.hpp"
#include "io/taxonomy_file.hpp"
#include "label/text_model.hpp"
#include "mpi_fixture.hpp"

#include <gtest/gtest.h>

namespace finseg::testing {
namespace {

// Every row of a small demo bank; 70 % of the labelled ones keep their labels.
LearnedCounts fold_rows(const ShardData& d, std::size_t begin, std::size_t end, std::size_t capacity) {
  LearnedCounts c{{}, TextSample(capacity), 0, 0};
  for (std::size_t t = begin; t < end; ++t) {
    const TransactionText text{d.purpose[t], d.counterpart_name[t], d.counterpart_iban[t], d.amount[t]};
    if (d.labels[t] != 0 && t % 10 < 7) c.observe(text, d.labels[t]);
    else c.observe_unlabelled(text);
  }
  return c;
}

TEST(LearnedMerge, MergedCountsEqualTheSerialFold) {
  const Taxonomy taxonomy = load_taxonomy(std::filesystem::path(FINSEG_SOURCE_DIR) / "config/labels.json");
  DemoBankParams p;
  p.users = 20;
  p.months = 13;
  p.seed = 5;
  p.shards = 1;
  const ShardData d = generate_demo_shard(p, 0, taxonomy);
  const auto n = d.transactions();
  const auto rank = static_cast<std::size_t>(world().rank()), size = static_cast<std::size_t>(world().size());
  for (const std::size_t capacity : {std::size_t{100}, std::size_t{50000}}) {
    const LearnedCounts serial = fold_rows(d, 0, n, capacity);
    const LearnedCounts merged = merge_learned_counts(world(), fold_rows(d, n * rank / size, n * (rank + 1) / size, capacity));
    EXPECT_EQ(merged.serialize(), serial.serialize()) << "capacity " << capacity << ", rank " << rank << " of " << size;
    const std::string model = TextModel::train(merged.sample, merged.labelling_rate()).serialize();
    const std::vector<std::string> models = world().gather(model, 0);
    for (const std::string& m : models) EXPECT_EQ(m, models.front());
  }
}

}  // namespace
}  // namespace finseg::testing
