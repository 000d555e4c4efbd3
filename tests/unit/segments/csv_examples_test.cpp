// All expected documents of /work/shared/examples/*/expected, from the examples' CSV files
// through finseg::import_csv and the kernels, at 1, 2 and 3 shards; compared as parsed JSON.
#include "example_jobs.hpp"

#include "csv/csv_import.hpp"

namespace finseg::test {
namespace {

TEST(CsvExamples, AllExpectedDocuments) {
  const std::filesystem::path examples = std::filesystem::path(FINSEG_SHARED_DIR) / "examples";
  int documents = 0;
  for (const auto& example : std::filesystem::directory_iterator(examples)) {
    if (!std::filesystem::is_directory(example.path() / "expected")) continue;
    std::string one_shard;
    for (int shards = 1; shards <= 3; ++shards) {
      ImportOptions options;
      options.shards = shards;
      const ImportResult bank = import_csv(example.path(), taxonomy(), options);
      Day snapshot = 0;
      for (const ShardData& s : bank.shards)
        for (const Day d : s.balance_date) snapshot = std::max(snapshot, d);
      for (const auto& job_file : std::filesystem::directory_iterator(example.path() / "jobs")) {
        const std::string name = job_file.path().filename().string();
        const JobSpec job = parse_job(read_json(job_file.path()), snapshot);
        const std::string doc = run_document(job, bank.shards);
        EXPECT_EQ(ordered_json::parse(doc), read_json(example.path() / "expected" / name))
            << example.path().filename() << "/" << name << " at " << shards << " shards:\n" << doc;
        if (shards == 1) ++documents;
      }
    }
  }
  EXPECT_EQ(documents, 13);
}

}  // namespace
}  // namespace finseg::test
