// Cross-validation of the shipped classifier and the rules on the training vocabulary, split by
// counterparty (docs/labeller.md, "Cross-validation"): the vocabulary's counterparties fall into K
// folds (by a hash of the counterparty's name key, or of the purpose when it has no name); for
// each fold a classifier is trained exactly as scripts/train-label-classifier trains the shipped
// one (shipped_model_options(), labelling rate 1) on the other folds and the generator's text
// (minus the fold's counterparties), and the fold's rows are labelled with the rules and that
// classifier, nothing labelled by a bank. It never reads the hand-written corpus: the figures it
// prints are the ones improvements of the rules, the features and the vocabulary are chosen by.
// Disabled (it trains K classifiers): scripts/cv-labeller runs it. FINSEG_CV_FOLDS=K (default 5),
// FINSEG_EVAL_SHIPPED_P: the shipped classifier's threshold (default LearnOptions'),
// FINSEG_CV_SWEEP=1: the agreement at other thresholds too, FINSEG_CV_COST=C: LIBLINEAR's C (to choose it),
// FINSEG_EVAL_LIST_MISSES=1: every miss.
#include "learned_eval.hpp"

#include <gtest/gtest.h>

#include <set>
#include <unistd.h>

namespace finseg::test {
namespace {

// A counterparty's fold: its name key's first 16 characters (the card network's 22-character
// name, "DEUTSCHE BAHN FERNVERK", is another key than "Deutsche Bahn Fernverkehr AG" but the same
// counterparty), or the purpose when it has no name.
std::string fold_key(const EvalRow& r) {
  const std::string key = counterparty_key(r.name);
  return key.empty() ? "purpose:" + classifier_text(r.purpose) : key.substr(0, 16);
}

// The fold's rows (held out) and the classifier trained without them, written to `file`.
std::vector<EvalRow> train_fold(const std::vector<EvalRow>& vocabulary, const std::vector<EvalRow>& generator, int fold, int folds,
                                const std::filesystem::path& file) {
  std::vector<EvalRow> test;
  std::set<std::string> names, ibans;
  TextSample sample(1000000);
  for (const EvalRow& r : vocabulary) {
    if (static_cast<int>(text_hash(fold_key(r), 4242) % static_cast<std::uint64_t>(folds)) == fold) {
      test.push_back(r);
      test.back().held_out = true;
      names.insert(counterparty_key(r.name).substr(0, 16));
      if (!r.iban.empty()) ibans.insert(r.iban);
    } else {
      sample.observe({r.purpose, r.name, r.iban, r.amount}, r.truth);
    }
  }
  names.erase("");
  // As --holdout: no generator row of a counterparty of the fold (by name key, as fold_key, or IBAN).
  for (const EvalRow& r : generator)
    if (!names.count(counterparty_key(r.name).substr(0, 16)) && !(!r.iban.empty() && ibans.count(r.iban)))
      sample.observe({r.purpose, r.name, r.iban, r.amount}, r.truth);
  TextModelOptions options = shipped_model_options();
  if (const char* c = std::getenv("FINSEG_CV_COST")) options.cost = std::atof(c);  // to choose C
  const TextModel model = TextModel::train(sample, 1.0, options);
  LearnedLabeller::save_classifier(model, taxonomy(), file);
  return test;
}

void print_by_label(const EvalResult& with, const EvalResult& alone) {
  std::printf("cv by true label set: rows, rules + classifier, rules alone\n");
  for (const auto& [truth, n] : with.by_truth) {
    const auto& a = alone.by_truth.at(truth);
    std::printf("cv   %-40s %5zu  %6.2f %%  %6.2f %%\n", ("[" + taxonomy().format(truth) + "]").c_str(), n.first,
                100.0 * static_cast<double>(n.second) / static_cast<double>(n.first),
                100.0 * static_cast<double>(a.second) / static_cast<double>(a.first));
  }
}

TEST(LabellerCrossValidation, DISABLED_TrainingVocabularyByCounterparty) {
  const std::vector<EvalRow> vocabulary = corpus_rows(std::filesystem::path(FINSEG_SOURCE_DIR) / "tests/data/labeller-training.csv");
  ASSERT_GT(vocabulary.size(), 4000u);
  // The generator's text as scripts/train-label-classifier exports it (40 users, 13 months, seed 424242).
  const std::vector<EvalRow> generator = demo_bank_rows(40, 13, 424242);
  const int folds = std::getenv("FINSEG_CV_FOLDS") ? std::atoi(std::getenv("FINSEG_CV_FOLDS")) : 5;
  ASSERT_GE(folds, 2);
  LearnOptions o;
  if (const char* p = std::getenv("FINSEG_EVAL_SHIPPED_P")) o.min_shipped_probability = std::atof(p);
  const std::vector<double> sweep = {0.1, 0.15, 0.2, 0.3, 0.4, 0.5};
  std::vector<EvalResult> at(sweep.size());
  EvalResult with, alone, no_rules;
  const std::filesystem::path file = std::filesystem::temp_directory_path() / ("finseg-cv-" + std::to_string(::getpid()) + ".bin");
  for (int fold = 0; fold < folds; ++fold) {
    const std::vector<EvalRow> test = train_fold(vocabulary, generator, fold, folds, file);
    const EvalResult r = evaluate(test, 0, &default_labeller(), o, true, false, file);
    std::printf("cv fold %d: %.2f %% of %zu rows\n", fold, 100.0 * r.test_agreement(), r.test_rows);
    with.pool(r);
    alone.pool(evaluate(test, 0, &default_labeller(), o, false, false, file));
    no_rules.pool(evaluate(test, 0, nullptr, o, true, false, file));
    if (std::getenv("FINSEG_CV_SWEEP"))
      for (std::size_t i = 0; i < sweep.size(); ++i) {
        LearnOptions s = o;
        s.min_shipped_probability = sweep[i];
        at[i].pool(evaluate(test, 0, &default_labeller(), s, true, false, file));
      }
  }
  std::filesystem::remove(file);
  std::printf("cv %d folds by counterparty, nothing labelled: rules + classifier (p >= %.2f) %.2f %% of %zu rows; rules alone %.2f %%; "
              "classifier alone (no rules) %.2f %%\n",
              folds, o.min_shipped_probability, 100.0 * with.test_agreement(), with.test_rows, 100.0 * alone.test_agreement(),
              100.0 * no_rules.test_agreement());
  if (std::getenv("FINSEG_CV_SWEEP"))
    for (std::size_t i = 0; i < sweep.size(); ++i) std::printf("cv threshold %.2f: %.2f %%\n", sweep[i], 100.0 * at[i].test_agreement());
  print_by_label(with, alone);
  std::printf("cv top confusions (rules + classifier):\n%s", with.top_misses(25).c_str());
  EXPECT_GT(with.test_agreement(), alone.test_agreement());
}

}  // namespace
}  // namespace finseg::test
