// finseg report under mpirun: each rank reads its byte range of every document, and the figures
// merged on rank 0 give the same page, byte for byte, as one process reading everything.
#include "app/commands.hpp"
#include "mpi_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace finseg;
using finseg::testing::SharedTempDir;
using finseg::testing::slurp;
using finseg::testing::world;

// The page of `finseg report` under MPI equals one process's, byte for byte; it holds `marker`.
void expect_same_page(const SharedTempDir& tmp, const CommandArgs& report, const std::string& marker) {
  CommandArgs parallel = report;
  parallel.insert(parallel.end(), {"--out", (tmp.path() / "parallel.html").string()});
  ASSERT_EQ(cmd_report(world(), parallel), 0);
  if (world().is_root()) {
    auto local = make_local_communicator();
    CommandArgs serial = report;
    serial.insert(serial.end(), {"--out", (tmp.path() / "serial.html").string()});
    ASSERT_EQ(cmd_report(*local, serial), 0);
    const std::string page = slurp(tmp.path() / "parallel.html");
    EXPECT_GT(page.size(), 10000u);
    EXPECT_NE(page.find(marker), std::string::npos) << marker;
    EXPECT_EQ(page, slurp(tmp.path() / "serial.html")) << world().size() << " ranks";
  }
  world().barrier();
}

TEST(ReportMpi, PageIsIdenticalToASingleProcessOne) {
  SharedTempDir tmp;
  const auto store = tmp.path() / "bank";
  const auto results = tmp.path() / "results";
  ASSERT_EQ(cmd_generate(world(), {"--users", "240", "--months", "14", "--seed", "21", "--shards", "3", "--snapshot", "2026-10-01",
                                   "--out", store.string()}),
            0);
  CommandArgs run = {"--store", store.string(), "--results", results.string()};
  CommandArgs report = {"--results", results.string()};
  std::vector<std::string> files;
  for (const auto& f : std::filesystem::directory_iterator(std::filesystem::path(FINSEG_SOURCE_DIR) / "jobs" / "quarterly"))
    files.push_back(f.path().string());
  std::sort(files.begin(), files.end());
  for (std::size_t i = 0; i < files.size(); ++i) {
    run.insert(run.end(), {"--job-id", "job" + std::to_string(i)});
    report.push_back("job" + std::to_string(i));
  }
  run.insert(run.end(), files.begin(), files.end());
  ASSERT_EQ(cmd_run(world(), run), 0);
  expect_same_page(tmp, report, "data-k=\"1.users\"");
}

// The changes section: changes documents of finseg diff (two quarters of the same jobs) read by
// byte ranges per rank and recounted on rank 0 give the page of one process.
TEST(ReportMpi, ChangesSectionIsIdenticalToASingleProcessOne) {
  SharedTempDir tmp;
  const auto store = tmp.path() / "bank";
  const auto results = tmp.path() / "results";
  ASSERT_EQ(cmd_generate(world(), {"--users", "240", "--months", "14", "--seed", "23", "--shards", "3", "--snapshot", "2026-10-01",
                                   "--out", store.string()}),
            0);
  const std::vector<std::string> names = {"uc01-recurring-overdraft", "uc03-spending-breakdown", "uc04-insurance-cross-selling"};
  CommandArgs report = {"--results", results.string()};
  for (const char* quarter : {"2026-07-01", "2026-10-01"}) {
    CommandArgs run = {"--store", store.string(), "--results", results.string()};
    std::vector<std::string> files;
    for (const auto& name : names) {
      const auto file = tmp.path() / (name + "-" + quarter + ".json");
      if (world().is_root()) {  // the quarter's job file: the same request with its creationDate
        std::string job = slurp(std::filesystem::path(FINSEG_SOURCE_DIR) / "jobs" / "quarterly" / (name + ".json"));
        job.insert(job.rfind('}'), std::string(", \"creationDate\": \"") + quarter + "\"");
        std::ofstream(file) << job;
      }
      run.insert(run.end(), {"--job-id", name + "-" + quarter});
      files.push_back(file.string());
    }
    world().barrier();
    run.insert(run.end(), files.begin(), files.end());
    ASSERT_EQ(cmd_run(world(), run), 0);
  }
  for (const auto& name : names) {
    report.push_back(name + "-2026-10-01");
    ASSERT_EQ(cmd_diff(world(), {"--results", results.string(), "--job-id", name + "-changes", name + "-2026-07-01", name + "-2026-10-01"}), 0);
  }
  for (const auto& name : names) report.push_back(name + "-changes");
  expect_same_page(tmp, report, "data-k=\"changes.3.changed\"");
}
