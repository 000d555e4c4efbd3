// The learned state merges exactly (CONVENTIONS.md 3): the rows folded in parts, at any number of
// parts and in any merge order, give the state of one serial fold, byte for byte; and the text
// normalisation gives one key per counterparty.
#include "label/learned_counts.hpp"
#include "label/learned_labeller.hpp"
#include "label/text_fold.hpp"
#include "learned_eval.hpp"

#include <gtest/gtest.h>

namespace finseg::test {
namespace {

LearnedCounts fold(const std::vector<EvalRow>& rows, std::size_t begin, std::size_t end, std::size_t capacity,
                   int bucket_bits = CounterpartyMemory::kDefaultBucketBits) {
  LearnedCounts c{CounterpartyMemory(bucket_bits), TextSample(capacity), 0, 0};
  for (std::size_t i = begin; i < end; ++i) {
    const TransactionText t{rows[i].purpose, rows[i].name, rows[i].iban, rows[i].amount};
    if (keeps_labels(i, 70) && rows[i].truth != 0) c.observe(t, rows[i].truth);
    else c.observe_unlabelled(t);
  }
  return c;
}

TEST(LearnedCounts, MergeOfPartsEqualsTheSerialFold) {
  const std::vector<EvalRow> rows = demo_bank_rows(30, 13, 99);
  for (const std::size_t capacity : {std::size_t{64}, std::size_t{50000}}) {  // a full and a trimming sample
    const LearnedCounts serial = fold(rows, 0, rows.size(), capacity);
    for (const std::size_t parts : {1u, 2u, 3u, 4u, 7u, 11u}) {
      std::vector<LearnedCounts> states;
      for (std::size_t p = 0; p < parts; ++p)
        states.push_back(fold(rows, rows.size() * p / parts, rows.size() * (p + 1) / parts, capacity));
      LearnedCounts forward{{}, TextSample(capacity), 0, 0}, backward{{}, TextSample(capacity), 0, 0};
      for (std::size_t p = 0; p < parts; ++p) forward.combine(states[p]);
      for (std::size_t p = parts; p-- > 0;) backward.combine(LearnedCounts::deserialize(states[p].serialize()));
      EXPECT_EQ(forward, serial) << parts << " parts, capacity " << capacity;
      EXPECT_EQ(backward.serialize(), serial.serialize()) << parts << " parts, capacity " << capacity;
    }
  }
}

// A memory far smaller than the bank's keys holds at most its capacity, and which keys it holds
// (with their exact counts) does not depend on how the rows were split or merged.
TEST(LearnedCounts, BoundedMemoryMergesLikeTheSerialFold) {
  const std::vector<EvalRow> rows = demo_bank_rows(30, 13, 99);
  const int bits = 3;  // 8 buckets of 4 keys: 32 keys of the bank's ~600
  const LearnedCounts serial = fold(rows, 0, rows.size(), 64, bits);
  EXPECT_EQ(serial.memory.keys(), serial.memory.capacity());
  EXPECT_GT(fold(rows, 0, rows.size(), 64).memory.keys(), 10 * serial.memory.capacity());
  for (const std::size_t parts : {2u, 3u, 7u}) {
    LearnedCounts forward{CounterpartyMemory(bits), TextSample(64), 0, 0}, backward{CounterpartyMemory(bits), TextSample(64), 0, 0};
    std::vector<LearnedCounts> states;
    for (std::size_t p = 0; p < parts; ++p) states.push_back(fold(rows, rows.size() * p / parts, rows.size() * (p + 1) / parts, 64, bits));
    for (std::size_t p = 0; p < parts; ++p) forward.combine(states[p]);
    for (std::size_t p = parts; p-- > 0;) backward.combine(LearnedCounts::deserialize(states[p].serialize()));
    EXPECT_EQ(forward, serial) << parts << " parts";
    EXPECT_EQ(backward.serialize(), serial.serialize()) << parts << " parts";
  }
}

TEST(LearnedCounts, TheSameCountsTrainTheSameModel) {
  const std::vector<EvalRow> rows = demo_bank_rows(30, 13, 99);
  const LearnedCounts a = fold(rows, 0, rows.size(), 50000);
  LearnedCounts b = fold(rows, 0, rows.size() / 3, 50000);
  b.combine(fold(rows, rows.size() / 3, rows.size(), 50000));
  EXPECT_EQ(TextModel::train(a.sample, a.labelling_rate()).serialize(), TextModel::train(b.sample, b.labelling_rate()).serialize());
}

TEST(LearnedCounts, CounterpartyKeyFoldsSpellingsOfOneName) {
  EXPECT_EQ(counterparty_key("REWE Markt GmbH Fil. 4711"), "rewe markt");
  EXPECT_EQ(counterparty_key("Rewe Markt"), "rewe markt");
  EXPECT_EQ(counterparty_key("Bäckerei Müller e.K."), "baeckerei mueller");
  EXPECT_EQ(counterparty_key("BAECKEREI MUELLER"), "baeckerei mueller");
  EXPECT_EQ(counterparty_key("Lidl Dienstleistung GmbH & Co. KG"), "lidl dienstleistung");
  EXPECT_EQ(counterparty_key("Kita Sonnenschein e.V."), "kita sonnenschein");
  EXPECT_EQ(counterparty_key("1&1"), "1 1");
  const SepaIds ids = sepa_ids("EREF+123 MREF+M-4471 CRED+DE98ZZZ09999999999 SVWZ+Beitrag");
  EXPECT_EQ(ids.mandate, "M-4471");
  EXPECT_EQ(ids.creditor_id, "DE98ZZZ09999999999");
}

TEST(LearnedLabeller, MemoryLabelsAnUnknownTextOfAKnownMandateAndRulesStillWin) {
  LearnedLabeller learner(&default_labeller(), taxonomy());
  const LabelSet gym = taxonomy().parse("SUBSCRIPTIONS").set;
  for (int i = 0; i < 3; ++i) learner.observe({"MREF+M-77 CRED+DE11ZZZ1 Beitrag", "Sportpark Nord", "", -2990}, gym);
  learner.finish();
  std::vector<UnlabelledRow> rows = {{{"MREF+M-77 CRED+DE11ZZZ1 Lastschrift 04", "SPORTPARK NORD GMBH", "", -2990}, 0, 0},
                                     {{"Umbuchung auf Tagesgeld", "Sportpark Nord", "", -2990}, 0, 0}};
  std::vector<LabelSet> got(rows.size());
  learner.label(rows, got);
  EXPECT_EQ(got[0], gym);
  EXPECT_EQ(got[1], 0u);  // the own-transfer rule (priority 100) wins over the memory
  EXPECT_EQ(learner.sources()[LabelSource::memory], 1u);
  EXPECT_EQ(learner.sources()[LabelSource::rule], 1u);
  EXPECT_EQ(learner.sources()[LabelSource::bank], 3u);
}

// The fallback [] rule (priority 5) sits between what the bank taught and the shipped classifier:
// with nothing labelled, parking, charging and fees stay unlabelled (the shipped classifier read
// "Kartenpreis Visa Debit" as TRAVEL and a Tesla Supercharger as GROCERIES in the cross-validation),
// while a bank that labels its parking teaches it (memory before the fallback).
TEST(LearnedLabeller, FallbackUnlabelledRuleStopsTheShippedClassifierNotTheBank) {
  LearnedLabeller learner(&default_labeller(), taxonomy());
  learner.load_shipped(shipped_classifier());
  const LabelSet travel = taxonomy().parse("TRAVEL").set;
  for (int i = 0; i < 3; ++i) learner.observe({"PARKHAUS ZENTRUM 4711 Girocard", "Parkhaus Zentrum", "", -300}, travel);
  learner.finish();
  std::vector<UnlabelledRow> rows = {{{"TESLA SUPERCHARGER 3999 Girocard", "Tesla Supercharger", "", -2500}, 0, 0},
                                     {{"Kartenpreis Visa Debit 06/2026", "", "", -250}, 0, 0},
                                     {{"Parkhaus Zentrum 0815 Girocard", "PARKHAUS ZENTRUM", "", -400}, 0, 0}};
  std::vector<LabelSet> got(rows.size());
  learner.label(rows, got);
  EXPECT_EQ(got[0], 0u);
  EXPECT_EQ(got[1], 0u);
  EXPECT_EQ(got[2], travel);  // the bank's memory wins over the fallback rule
  EXPECT_EQ(learner.sources()[LabelSource::shipped], 0u);
}

// Card and SEPA boilerplate, cities and months are no features: a text is its merchant's and
// purpose's words ("girocard … Apple Pay" voted for whichever label its template was written for).
TEST(LearnedLabeller, BoilerplateAddsNoFeatures) {
  std::vector<std::uint32_t> plain, card;
  text_features("baeckerei schmitt", "", false, 20, plain);
  text_features("baeckerei schmitt", "girocard baeckerei schmitt berlin apple pay um", false, 20, card);
  std::vector<std::uint32_t> name_in_purpose;
  text_features("baeckerei schmitt", "baeckerei schmitt", false, 20, name_in_purpose);
  EXPECT_EQ(card, name_in_purpose);
  EXPECT_GT(name_in_purpose.size(), plain.size());
}

// PayPal's one IBAN carries every merchant paid through it; the merchant its purpose names ("Ihr
// Einkauf bei FlixTrain") is the merchant's own name key, which its card payments taught.
TEST(CounterpartyMemory, APaymentIntermediarysMerchantIsTheMerchantsNameKey) {
  const std::string_view paypal = "PayPal Europe S.a.r.l. et Cie S.C.A", iban = "LU89751000135104200E";
  const LabelSet travel = taxonomy().parse("TRAVEL").set, shopping = taxonomy().parse("SHOPPING").set;
  CounterpartyMemory memory;
  memory.observe({"FLIXTRAIN Ticket Hamburg Koeln", "FlixTrain", "", -1990}, travel);
  memory.observe({"FLIXTRAIN Ticket Berlin Leipzig", "FLIXTRAIN", "", -1490}, travel);
  for (const std::string_view shop : {"ABOUT YOU", "Etsy", "Westwing", "eBay", "Rebuy"})
    memory.observe({"PP.1182.PP . Ihr Einkauf bei " + std::string(shop), paypal, iban, -2500}, shopping);
  const MemoryThresholds t;
  EXPECT_EQ(memory.recall({"PP.7712.PP . FlixTrain GmbH IHR EINKAUF BEI FLIXTRAIN", paypal, iban, -2999}, t, 1.0), travel);
  EXPECT_EQ(memory.recall({"PP.7713.PP . Ihr Einkauf bei Zalando", paypal, iban, -4999}, t, 1.0), shopping);  // unknown merchant: PayPal's IBAN
}

// A merchant the bank labels at random 70 % of the time shows 4 empty cells of 8 often enough:
// that is chance, not a bank leaving it unlabelled on purpose, so its 4 votes decide. A key the
// bank labels once in fifty rows (fuel called LIFESTYLE now and then) is deliberately unlabelled.
TEST(LearnedCounts, EmptyCellsWithinChanceDoNotOutvoteTheLabels) {
  const double rate = 0.7;
  LabelVotes merchant;
  merchant.add(1u << 5, 4);
  merchant.unlabelled = 4;
  EXPECT_EQ(merchant.verdict(rate, 2, 0.8), std::optional<LabelSet>(1u << 5));
  LabelVotes fuel;
  fuel.add(1u << 5, 2);
  fuel.unlabelled = 98;
  EXPECT_EQ(fuel.verdict(rate, 2, 0.8), std::optional<LabelSet>(0));
  // The default thresholds trust a single label when the empty cells are within chance: a
  // merchant the bank labelled once of three rows is that merchant's label.
  LabelVotes once;
  once.add(1u << 5, 1);
  once.unlabelled = 2;
  const MemoryThresholds defaults;
  EXPECT_EQ(once.verdict(rate, defaults.min_support, defaults.min_agreement), std::optional<LabelSet>(1u << 5));
  LabelVotes split;  // two sets half and half: no verdict
  split.add(1u << 5, 4);
  split.add(1u << 6, 4);
  EXPECT_EQ(split.verdict(rate, 2, 0.8), std::nullopt);
}

}  // namespace
}  // namespace finseg::test
