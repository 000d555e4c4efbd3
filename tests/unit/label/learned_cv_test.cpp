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
// FINSEG_EVAL_LIST_MISSES=1: every miss, FINSEG_CV_MEASURE_ROWS=N: measure the first N rows only.
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
  // FINSEG_CV_MEASURE_ROWS=N: only the first N rows are measured (the others still held out with
  // their fold), to compare a grown vocabulary with the one before on the same rows.
  const char* measure = std::getenv("FINSEG_CV_MEASURE_ROWS");
  const std::size_t measured = measure ? static_cast<std::size_t>(std::atoll(measure)) : vocabulary.size();
  for (std::size_t i = 0; i < vocabulary.size(); ++i) {
    const EvalRow& r = vocabulary[i];
    if (static_cast<int>(text_hash(fold_key(r), 4242) % static_cast<std::uint64_t>(folds)) == fold) {
      if (i >= measured) {  // held out, not measured
        names.insert(counterparty_key(r.name).substr(0, 16));
        if (!r.iban.empty()) ibans.insert(r.iban);
        continue;
      }
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

double share(const std::pair<std::size_t, std::size_t>& n) { return n.first ? 100.0 * static_cast<double>(n.second) / static_cast<double>(n.first) : 0.0; }

void print_by_label(const EvalResult& with, const EvalResult& without_brands, const EvalResult& alone, const EvalResult& unknown) {
  std::printf("cv by true label set: rows, rules + merchant list + classifier, without the merchant list, rules alone; "
              "rows whose brand the list does not know, their agreement\n");
  for (const auto& [truth, n] : with.by_truth) {
    const auto u = unknown.by_truth.count(truth) ? unknown.by_truth.at(truth) : std::pair<std::size_t, std::size_t>{};
    std::printf("cv   %-40s %5zu  %6.2f %%  %6.2f %%  %6.2f %%  %5zu  %6.2f %%\n", ("[" + taxonomy().format(truth) + "]").c_str(), n.first,
                share(n), share(without_brands.by_truth.at(truth)), share(alone.by_truth.at(truth)), u.first, share(u));
  }
}

// The fold's rows split by whether the merchant list knows their brand: the vocabulary's names that
// are in the list are found by construction, so only the other rows measure generalisation.
std::pair<std::vector<EvalRow>, std::vector<EvalRow>> by_brand(const std::vector<EvalRow>& rows) {
  std::pair<std::vector<EvalRow>, std::vector<EvalRow>> parts;
  for (const EvalRow& r : rows) (shipped_brands()->find({r.purpose, r.name, r.iban, r.amount}) ? parts.first : parts.second).push_back(r);
  return parts;
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
  EvalResult with, alone, no_rules, without_brands, known, known_without, unknown;
  const std::filesystem::path file = std::filesystem::temp_directory_path() / ("finseg-cv-" + std::to_string(::getpid()) + ".bin");
  for (int fold = 0; fold < folds; ++fold) {
    const std::vector<EvalRow> test = train_fold(vocabulary, generator, fold, folds, file);
    const EvalResult r = evaluate(test, 0, &default_labeller(), o, true, false, file);
    std::printf("cv fold %d: %.2f %% of %zu rows\n", fold, 100.0 * r.test_agreement(), r.test_rows);
    with.pool(r);
    alone.pool(evaluate(test, 0, &default_labeller(), o, false, false, file));
    no_rules.pool(evaluate(test, 0, nullptr, o, true, false, file));
    without_brands.pool(evaluate(test, 0, &default_labeller(), o, true, false, file, nullptr));
    const auto [in_list, not_in_list] = by_brand(test);
    known.pool(evaluate(in_list, 0, &default_labeller(), o, true, false, file));
    known_without.pool(evaluate(in_list, 0, &default_labeller(), o, true, false, file, nullptr));
    unknown.pool(evaluate(not_in_list, 0, &default_labeller(), o, true, false, file));
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
  std::printf("cv merchant list (%zu names): without it %.2f %%; rows whose brand it knows %zu: %.2f %% with it, %.2f %% without; "
              "rows whose brand it does not know %zu: %.2f %% (%zu merchant-list answers in all)\n",
              shipped_brands()->size(), 100.0 * without_brands.test_agreement(), known.test_rows, 100.0 * known.test_agreement(),
              100.0 * known_without.test_agreement(), unknown.test_rows, 100.0 * unknown.test_agreement(),
              static_cast<std::size_t>(with.sources[LabelSource::brand]));
  print_by_label(with, without_brands, alone, unknown);
  std::printf("cv top confusions (rules + classifier):\n%s", with.top_misses(25).c_str());
  EXPECT_GT(with.test_agreement(), alone.test_agreement());
}

}  // namespace
}  // namespace finseg::test
