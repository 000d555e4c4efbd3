// The labeller at import (SEGMENTS.md 1.2): rows with an empty labels cell get labels from the
// rules, rows with labels keep theirs; without a labeller empty cells stay empty.
#include "csv/csv_import.hpp"
#include "label/learned_labeller.hpp"
#include "label_test_util.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <unistd.h>

namespace finseg::test {
namespace {

// transactionId -> labels, over all shards.
std::map<std::string, std::string> labels_by_id(const ImportResult& r) {
  std::map<std::string, std::string> out;
  for (const ShardData& s : r.shards)
    for (std::size_t t = 0; t < s.transactions(); ++t) out[std::string(s.transaction_id[t])] = taxonomy().format(s.labels[t]);
  return out;
}

std::filesystem::path tiny_dir() { return std::filesystem::path(FINSEG_SHARED_DIR) / "examples/tiny"; }

TEST(LabellerImport, TinyExampleKeepsItsUnlabelledRowsUnlabelled) {
  ImportOptions options;
  options.shards = 2;
  options.labeller = &default_labeller();
  const auto with = labels_by_id(import_csv(tiny_dir(), taxonomy(), options));
  options.labeller = nullptr;
  const auto without = labels_by_id(import_csv(tiny_dir(), taxonomy(), options));
  ASSERT_EQ(with.size(), 35u);
  // The shared expected documents were computed with these rows unlabelled.
  for (const char* id : {"t-a09", "t-b01", "t-b05", "t-b07", "t-c10"}) {
    EXPECT_EQ(with.at(id), "") << id;
    EXPECT_EQ(without.at(id), "") << id;
  }
  EXPECT_EQ(with, without);  // every other row has its labels cell filled, and keeps it
}

// The default import (--labels learn) must not change what the shared examples were computed on.
TEST(LabellerImport, LearnedLabellerKeepsTheTinyExamplesUnlabelledRows) {
  LearnedLabeller learner(&default_labeller(), taxonomy());
  ImportOptions options;
  options.shards = 2;
  options.labeller = &default_labeller();
  options.learner = &learner;
  const auto learned = labels_by_id(import_csv(tiny_dir(), taxonomy(), options));
  options.learner = nullptr;
  EXPECT_EQ(learned, labels_by_id(import_csv(tiny_dir(), taxonomy(), options)));
  EXPECT_EQ(learner.sources()[LabelSource::bank], 30u);
  EXPECT_EQ(learner.sources()[LabelSource::bank] + learner.sources()[LabelSource::rule] + learner.sources()[LabelSource::none] +
                learner.sources()[LabelSource::memory] + learner.sources()[LabelSource::brand] + learner.sources()[LabelSource::classifier] + learner.sources()[LabelSource::shipped] +
                learner.sources()[LabelSource::recurrence],
            35u);  // every row counted once
}

// Rows the bank labelled teach the empty cells of the same counterparty (here by IBAN), while an
// explicit rule still wins.
TEST(LabellerImport, LearnedLabellerLabelsFromTheBanksOwnRows) {
  const auto dir = std::filesystem::temp_directory_path() / ("finseg-learn-import-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "accounts.csv") << "accountId,userId,accountType,currency,balance,balanceDate\n"
                                         "a1,u1,checking,EUR,100.00,2024-12-31\n";
  std::ofstream tx(dir / "transactions.csv");
  tx << "transactionId,accountId,bookingDate,amount,counterpartName,counterpartIban,purpose,labels\n";
  for (int m = 1; m <= 9; ++m)  // a parking garage the rules do not know, labelled TRAVEL by the bank, 2 of 3 months
    tx << "p" << m << ",a1,2024-0" << m << "-05,-30.00,Parkhaus Zentrum,DE44500105175407324931,Dauerparker 0" << m << "/2024,"
       << (m % 3 == 0 ? "" : "TRAVEL") << "\n";
  tx << "u1,a1,2024-09-20,-30.00,Parkhaus Zentrum,DE44500105175407324931,Umbuchung auf Tagesgeld,\n";
  tx.close();
  LearnedLabeller learner(&default_labeller(), taxonomy());
  ImportOptions options;
  options.shards = 1;
  options.labeller = &default_labeller();
  options.learner = &learner;
  const auto labels = labels_by_id(import_csv(dir, taxonomy(), options));
  std::filesystem::remove_all(dir);
  for (const char* id : {"p3", "p6", "p9"}) EXPECT_EQ(labels.at(id), "TRAVEL") << id;
  EXPECT_EQ(labels.at("u1"), "");  // the own-transfer rule wins over the memory
  EXPECT_EQ(learner.sources()[LabelSource::memory], 3u);
  EXPECT_EQ(learner.sources()[LabelSource::bank], 6u);
}

TEST(LabellerImport, EmptyCellsAreLabelledFromTheText) {
  const auto dir = std::filesystem::temp_directory_path() / ("finseg-label-import-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "accounts.csv") << "accountId,userId,accountType,currency,balance,balanceDate\n"
                                         "a1,u1,checking,EUR,100.00,2024-12-31\n";
  std::ofstream(dir / "transactions.csv")
      << "transactionId,accountId,bookingDate,amount,counterpartName,counterpartIban,purpose,labels\n"
         "t1,a1,2024-01-31,3000.00,Muster GmbH,DE02120300000000202051,LOHN / GEHALT 01/2024,\n"
         "t2,a1,2024-02-01,-45.10,Allianz Versicherungs-AG,,Beitrag Kfz-Versicherung Vertrag 4711-22,\n"
         "t3,a1,2024-02-02,-45.10,Allianz Versicherungs-AG,,Beitrag Kfz-Versicherung Vertrag 4711-22,INSURANCE\n"
         "t4,a1,2024-02-03,-50.00,Max Mustermann,DE89370400440532013000,Umbuchung auf Tagesgeld,\n"
         "t5,a1,2024-02-04,-55.08,ARD ZDF Deutschlandradio Beitragsservice,,\"Rundfunkbeitrag 01.2024 - 03.2024, Nr. 1\",\n";
  ImportOptions options;
  options.shards = 1;
  options.labeller = &default_labeller();
  const auto labels = labels_by_id(import_csv(dir, taxonomy(), options));
  std::filesystem::remove_all(dir);
  EXPECT_EQ(labels.at("t1"), "SALARY");
  EXPECT_EQ(labels.at("t2"), "CARINSURANCE");
  EXPECT_EQ(labels.at("t3"), "INSURANCE");  // a filled cell is never relabelled
  EXPECT_EQ(labels.at("t4"), "");
  EXPECT_EQ(labels.at("t5"), "UTILITIES");
}

}  // namespace
}  // namespace finseg::test
