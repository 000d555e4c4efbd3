// The learned labeller (docs/labeller.md, "Learning from the bank"): labels the rows of an import
// whose labels cell is empty from, in this order,
//   1. an explicit rule of config/label-rules.json (priority >= explicit_priority),
//   2. the counterparty memory learned from the rows the bank labelled itself,
//   2b. the merchant list shipped with finseg (config/label-brands.json: a brand's trade),
//   3. the text classifier trained on those rows (abstaining below min_probability),
//   4. a low-priority (fallback) rule,
//   5. the classifier shipped with finseg (config/label-classifier.bin, trained on public text),
//   6. recurrence: a regular monthly incoming payment from the same payer is income,
// and otherwise leaves the row unlabelled. It counts how each row got its labels.
#pragma once

#include "core/date.hpp"
#include "label/brand_list.hpp"
#include "label/labeller.hpp"
#include "label/learned_counts.hpp"
#include "label/text_model.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <unordered_map>

namespace finseg {

enum class LabelSource : int { bank = 0, rule, memory, brand, classifier, shipped, recurrence, none };
inline constexpr std::size_t kLabelSources = 8;
inline constexpr std::array<std::string_view, kLabelSources> kLabelSourceNames = {
    "bank", "rule", "memory", "merchant list", "classifier", "shipped classifier", "recurrence", "left empty"};

struct LabelSourceCounts {
  std::array<std::uint64_t, kLabelSources> rows{};
  void add(LabelSource s, std::uint64_t n = 1) { rows[static_cast<std::size_t>(s)] += n; }
  void combine(const LabelSourceCounts& o) {
    for (std::size_t i = 0; i < kLabelSources; ++i) rows[i] += o.rows[i];
  }
  std::uint64_t operator[](LabelSource s) const { return rows[static_cast<std::size_t>(s)]; }
  // "labels by source: bank 700, rule 120, memory 150, classifier 20, recurrence 2, left empty 8"
  std::string format() const;
};

struct LearnOptions {
  MemoryThresholds memory;
  double min_probability = 0.5;  // the classifier abstains below: a set must beat all others together
  double min_shipped_probability = 0.2;  // the shipped classifier's: chosen by cross-validation on its training vocabulary
  int explicit_priority = 10;    // rules at or above win over what was learned
  TextModelOptions model;
  std::size_t sample_capacity = 50000;  // distinct training texts (bottom-k sample)
  int min_recurring_months = 3;         // consecutive months of one payer's incoming payments
  double max_amount_spread = 0.2;       // each within +-20 % of the payer's median amount
};

// One row with an empty labels cell, as the import hands it over.
struct UnlabelledRow {
  TransactionText text;
  std::uint32_t account = 0;  // any id that tells the customer's accounts apart
  Day booking_date = 0;
};

class LearnedLabeller {
 public:
  // `rules` may be null (no rules); it must outlive this object.
  LearnedLabeller(const Labeller* rules, const Taxonomy& taxonomy, LearnOptions options = {});

  // A row the bank labelled: learned from, counted as source `bank`.
  void observe(const TransactionText& txn, LabelSet labels) {
    counts_.observe(txn, labels);
    sources_.add(LabelSource::bank);
  }
  // A row with an empty labels cell: counted, so that a counterparty the bank leaves unlabelled
  // is learned as such. Every row to be labelled must be noted before finish().
  void note_unlabelled(const TransactionText& txn) { counts_.observe_unlabelled(txn); }
  // Counts learned elsewhere (another rank, an earlier import's saved state): merged in.
  void merge(const LearnedCounts& other) { counts_.combine(other); }
  LearnedCounts& counts() noexcept { return counts_; }

  // Trains the classifier from the counts (or keeps a loaded model when no row was labelled).
  void finish();
  // Labels the rows (out[i] for rows[i]) and counts their sources.
  void label(std::span<const UnlabelledRow> rows, std::span<LabelSet> out);

  const LabelSourceCounts& sources() const noexcept { return sources_; }
  const TextModel& model() const noexcept { return model_; }

  // The learned state (counts and trained model) as a file a later import starts from.
  void save(const std::filesystem::path& file) const;
  void load(const std::filesystem::path& file);

  // The classifier shipped with finseg (docs/labeller.md, "The shipped classifier"): asked when
  // the rules, the bank's memory and the bank's own classifier have no answer.
  void load_shipped(const std::filesystem::path& file);
  const TextModel& shipped() const noexcept { return shipped_; }
  // The merchant list shipped with finseg (docs/labeller.md, "The merchant list"): asked after the
  // explicit rules and the bank's memory, before the classifiers.
  void set_brands(BrandList brands) {
    brands_ = std::move(brands);
    cache_.clear();
  }
  const BrandList& brands() const noexcept { return brands_; }
  // A classifier alone (trained by `finseg train-labeller`) as the file load_shipped reads.
  static void save_classifier(const TextModel& model, const Taxonomy& taxonomy, const std::filesystem::path& file);

 private:
  LabelSet label_one(const TransactionText& txn, LabelSource& source);
  std::string taxonomy_names() const;  // "INCOME;SALARY;...": the bit order the model's sets use
  struct Classified {
    Prediction bank, shipped;
    LabelSet brand = 0;  // the merchant list's answer, 0 when it knows no brand here
  };
  Classified classify(const TransactionText& txn);
  void label_recurring(std::span<const UnlabelledRow> rows, std::span<LabelSet> out, std::vector<LabelSource>& source);

  const Labeller* rules_;
  const Taxonomy& taxonomy_;
  LearnOptions options_;
  LearnedCounts counts_;
  TextModel model_;
  TextModel shipped_;
  BrandList brands_;
  std::uint64_t model_rows_ = 0;  // labelled rows the model was trained on
  double rate_ = 0.0;             // counts_.labelling_rate(), set by finish()
  LabelSourceCounts sources_;
  std::unordered_map<std::uint64_t, Classified> cache_;  // by folded text: statements repeat
};

}  // namespace finseg
