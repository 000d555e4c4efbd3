// The hand-checked examples of /work/shared/examples (tiny, tiny-frequency), their banks
// transcribed here as rows (the CSV importer has its own tests), every job of jobs/ run through
// the kernels at 1, 2 and 3 shards and compared with expected/ as parsed JSON (numbers as
// numbers, key order included).
#include "example_jobs.hpp"

namespace finseg::test {
namespace {

struct Bank {
  std::vector<AccountRow> accounts;
  std::vector<TxnRow> txns;
};

const Bank& tiny_bank() {
  static const Bank bank{
     {
      {"a-9", "user-a", AccountType::checking, "11244.87", "2024-04-10"},
      {"a-10", "user-a", AccountType::savings, "25000.00", "2024-04-10"},
      {"b-chk", "user-B", AccountType::checking, "399.99", "2024-04-10"},
      {"b-card", "user-B", AccountType::creditCard, "-155.50", "2024-03-31"},
      {"c-chk", "user-c", AccountType::checking, "800.00", "2024-04-10"},
     },
     {
      {"t-a01", "a-9", "2023-03-15", "-60.00", "HUK-COBURG", "LIABILITYINSURANCE"},
      {"t-a02", "a-9", "2023-05-10", "-150.00", "AXA Versicherung AG", "LEGALINSURANCE"},
      {"t-a03", "a-9", "2023-10-20", "-150.00", "AXA Versicherung AG", "LEGALINSURANCE"},
      {"t-a04", "a-9", "2023-12-29", "3000.00", "Muster GmbH", "SALARY"},
      {"t-a05", "a-9", "2024-01-02", "-45.10", "Allianz  Versicherungs-AG", "CARINSURANCE"},
      {"t-a06", "a-9", "2024-01-20", "15.01", "Allianz Versicherungs-AG", "CAPITALINCOME;LIFEINSURANCE"},
      {"t-a07", "a-9", "2024-01-31", "3000.00", "Muster GmbH", "SALARY"},
      {"t-a08", "a-9", "2024-02-01", "-45.10", "Allianz Versicherungs-AG", "INSURANCE;CARINSURANCE"},
      {"t-a09", "a-9", "2024-02-10", "0.00", "", ""},
      {"t-a10", "a-9", "2024-02-29", "3000.00", "Muster GmbH", "SALARY"},
      {"t-a11", "a-9", "2024-03-01", "-45.10", "Allianz\tVersicherungs-AG", "CARINSURANCE"},
      {"t-a12", "a-9", "2024-03-15", "-62.50", " HUK-COBURG ", "LIABILITYINSURANCE"},
      {"t-a13", "a-9", "2024-03-28", "3100.00", "Muster GmbH", "SALARY"},
      {"t-a14", "a-9", "2024-03-30", "-812.34", "REWE Markt GmbH", "GROCERIES"},
      {"t-b01", "b-chk", "2023-12-01", "50.00", "Max Mustermann", ""},
      {"t-b02", "b-chk", "2024-01-02", "-400.00", "Hausverwaltung Schmidt GmbH", "RENT"},
      {"t-b03", "b-chk", "2024-01-31", "200.00", "Bundesagentur für Arbeit", "UNEMPLOYMENTBENEFIT"},
      {"t-b04", "b-chk", "2024-03-01", "2000.00", "Bäckerei Krause e.K.", "SALARY"},
      {"t-b05", "b-chk", "2024-03-15", "-1950.00", "Autohaus Schmidt GmbH", ""},
      {"t-b06", "b-chk", "2024-03-31", "-0.01", "", "OVERDRAFTINTEREST"},
      {"t-b07", "b-chk", "2024-04-05", "500.00", "Max Mustermann", ""},
      {"t-b08", "b-card", "2024-01-15", "0.00", "Lotto24 AG", "GAMBLING"},
      {"t-b09", "b-card", "2024-02-15", "-120.00", "ERGO Versicherung AG", "INSURANCE"},
      {"t-b10", "b-card", "2024-03-20", "-35.50", "Restaurant Da Luigi", "RESTAURANTS"},
      {"t-c01", "c-chk", "2023-09-01", "-95.40", "DEVK Versicherungen", "HOUSEHOLDINSURANCE;LIABILITYINSURANCE"},
      {"t-c02", "c-chk", "2023-12-01", "-95.40", "DEVK Versicherungen", "HOUSEHOLDINSURANCE;LIABILITYINSURANCE"},
      {"t-c03", "c-chk", "2024-01-10", "-300.00", "EDEKA Center Krause", "GROCERIES"},
      {"t-c04", "c-chk", "2024-01-30", "1000.00", "Deutsche Rentenversicherung Bund", "PENSION"},
      {"t-c05", "c-chk", "2024-02-29", "-800.00", "Vonovia SE", "RENT"},
      {"t-c06", "c-chk", "2024-03-01", "1000.00", "Deutsche Rentenversicherung Bund", "PENSION"},
      {"t-c07", "c-chk", "2024-03-01", "-95.40", "DEVK Versicherungen", "HOUSEHOLDINSURANCE;LIABILITYINSURANCE"},
      {"t-c08", "c-chk", "2024-03-05", "-10.00", "ERGO  Versicherung AG", "ACCIDENTINSURANCE"},
      {"t-c09", "c-chk", "2024-03-05", "-12.00", "ERGO Versicherung AG", "ACCIDENTINSURANCE"},
      {"t-c10", "c-chk", "2024-03-29", "-982.60", "Autohaus Schmidt GmbH", ""},
      {"t-c11", "c-chk", "2024-04-02", "1000.00", "Deutsche Rentenversicherung Bund", "PENSION"},
     }};
  return bank;
}

const Bank& frequency_bank() {
  static const Bank bank{
     {
      {"f-1", "u-1", AccountType::checking, "10000.00", "2025-07-05"},
     },
     {
      {"f-001", "f-1", "2025-06-11", "-19.00", "Gap 019", "ACCIDENTINSURANCE;HEALTHINSURANCE"},
      {"f-002", "f-1", "2025-06-30", "-19.00", "Gap 019", "ACCIDENTINSURANCE;HEALTHINSURANCE"},
      {"f-003", "f-1", "2025-06-10", "-20.00", "Gap 020", "CARINSURANCE"},
      {"f-004", "f-1", "2025-06-30", "-20.00", "Gap 020", "CARINSURANCE"},
      {"f-005", "f-1", "2025-05-21", "-40.00", "Gap 040", "CARINSURANCE"},
      {"f-006", "f-1", "2025-06-30", "-40.00", "Gap 040", "CARINSURANCE"},
      {"f-007", "f-1", "2025-05-20", "-41.00", "Gap 041", "CARINSURANCE"},
      {"f-008", "f-1", "2025-06-30", "-41.00", "Gap 041", "CARINSURANCE"},
      {"f-009", "f-1", "2025-04-12", "-79.00", "Gap 079", "CARINSURANCE"},
      {"f-010", "f-1", "2025-06-30", "-79.00", "Gap 079", "CARINSURANCE"},
      {"f-011", "f-1", "2025-04-11", "-80.00", "Gap 080", "CARINSURANCE"},
      {"f-012", "f-1", "2025-06-30", "-80.00", "Gap 080", "CARINSURANCE"},
      {"f-013", "f-1", "2025-03-22", "-100.00", "Gap 100", "CARINSURANCE"},
      {"f-014", "f-1", "2025-06-30", "-100.00", "Gap 100", "CARINSURANCE"},
      {"f-015", "f-1", "2025-03-21", "-101.00", "Gap 101", "CARINSURANCE"},
      {"f-016", "f-1", "2025-06-30", "-101.00", "Gap 101", "CARINSURANCE"},
      {"f-017", "f-1", "2025-01-12", "-169.00", "Gap 169", "CARINSURANCE"},
      {"f-018", "f-1", "2025-06-30", "-169.00", "Gap 169", "CARINSURANCE"},
      {"f-019", "f-1", "2025-01-11", "-170.00", "Gap 170", "CARINSURANCE"},
      {"f-020", "f-1", "2025-06-30", "-170.00", "Gap 170", "CARINSURANCE"},
      {"f-021", "f-1", "2024-12-12", "-200.00", "Gap 200", "CARINSURANCE"},
      {"f-022", "f-1", "2025-06-30", "-200.00", "Gap 200", "CARINSURANCE"},
      {"f-023", "f-1", "2024-12-11", "-201.00", "Gap 201", "CARINSURANCE"},
      {"f-024", "f-1", "2025-06-30", "-201.00", "Gap 201", "CARINSURANCE"},
      {"f-025", "f-1", "2024-07-26", "-339.00", "Gap 339", "CARINSURANCE"},
      {"f-026", "f-1", "2025-06-30", "-339.00", "Gap 339", "CARINSURANCE"},
      {"f-027", "f-1", "2024-07-25", "-340.00", "Gap 340", "CARINSURANCE"},
      {"f-028", "f-1", "2025-06-30", "-340.00", "Gap 340", "CARINSURANCE"},
      {"f-029", "f-1", "2024-06-05", "-390.00", "Gap 390", "CARINSURANCE"},
      {"f-030", "f-1", "2025-06-30", "-390.00", "Gap 390", "CARINSURANCE"},
      {"f-031", "f-1", "2024-06-04", "-391.00", "Gap 391", "CARINSURANCE"},
      {"f-032", "f-1", "2025-06-30", "-391.00", "Gap 391", "CARINSURANCE"},
      {"f-033", "f-1", "2025-05-31", "-99.00", "Latest Versicherung", "LIFEINSURANCE"},
      {"f-034", "f-1", "2025-06-30", "-10.00", "Latest Versicherung", "LIFEINSURANCE"},
      {"f-035", "f-1", "2025-07-01", "-500.00", "Latest Versicherung", "LIFEINSURANCE"},
      {"f-036", "f-1", "2024-10-13", "-5.00", "Median 30-30-200", "DISABILITYINSURANCE"},
      {"f-037", "f-1", "2024-11-12", "-5.00", "Median 30-30-200", "DISABILITYINSURANCE"},
      {"f-038", "f-1", "2024-12-12", "-5.00", "Median 30-30-200", "DISABILITYINSURANCE"},
      {"f-039", "f-1", "2025-06-30", "-5.00", "Median 30-30-200", "DISABILITYINSURANCE"},
      {"f-040", "f-1", "2025-04-10", "-7.00", "Median 40.5", "LEGALINSURANCE"},
      {"f-041", "f-1", "2025-05-20", "-7.00", "Median 40.5", "LEGALINSURANCE"},
      {"f-042", "f-1", "2025-06-30", "-7.00", "Median 40.5", "LEGALINSURANCE"},
      {"f-043", "f-1", "2025-05-31", "-3.00", "\tTab  Versicherung AG\n", "HOUSEHOLDINSURANCE"},
      {"f-044", "f-1", "2025-06-30", "-3.00", "Tab Versicherung AG", "HOUSEHOLDINSURANCE"},
     }};
  return bank;
}

Day snapshot_of(const Bank& bank) {
  Day snapshot = 0;  // SEGMENTS.md 1.4: the latest balanceDate
  for (const AccountRow& a : bank.accounts) snapshot = std::max(snapshot, day(a.balance_date));
  return snapshot;
}

void check_example(const std::string& example, const Bank& bank) {
  const std::filesystem::path dir = std::filesystem::path(FINSEG_SHARED_DIR) / "examples" / example;
  ASSERT_TRUE(std::filesystem::is_directory(dir / "jobs")) << dir;
  int jobs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "jobs")) {
    const std::string name = entry.path().filename().string();
    const JobSpec job = parse_job(read_json(entry.path()), snapshot_of(bank));
    const ordered_json expected = read_json(dir / "expected" / name);
    std::string one_shard;
    for (int shards = 1; shards <= 3; ++shards) {
      const std::string doc = run_document(job, build_shards(bank.accounts, bank.txns, shards));
      EXPECT_EQ(ordered_json::parse(doc), expected) << example << "/" << name << " at " << shards << " shards:\n" << doc;
      if (shards == 1) one_shard = doc;
      EXPECT_EQ(doc, one_shard) << "document bytes depend on the shard count";
    }
    ++jobs;
  }
  EXPECT_GT(jobs, 0);
}

TEST(Examples, TinyAllJobsMatchExpected) { check_example("tiny", tiny_bank()); }
TEST(Examples, TinyFrequencyMatchesExpected) { check_example("tiny-frequency", frequency_bank()); }

// Spot checks in bytes: money keeps two fraction digits and rounding is half away from zero.
TEST(Examples, TinyBreakdownBytes) {
  JobSpec job;
  job.request.segment = Segment::financialBreakdown;
  job.request.duration_in_month = 4;
  job.request.label_groups = {group("INCOME"), group("INSURANCE")};
  job.creation_date = day("2024-04-10");
  const std::string doc = run_document(job, build_shards(tiny_bank().accounts, tiny_bank().txns));
  EXPECT_NE(doc.find("\"median\":3007.51,\"standardDeviation\":41.59"), std::string::npos) << doc;
  EXPECT_NE(doc.find("\"average\":-45.70,\"min\":-107.60,\"max\":0.00,\"median\":-37.60"), std::string::npos) << doc;
  EXPECT_NE(doc.find("\"standardDeviation\":841.13"), std::string::npos) << doc;
}

}  // namespace
}  // namespace finseg::test
