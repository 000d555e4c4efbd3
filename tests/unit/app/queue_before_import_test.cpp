// Jobs queued before the import that makes their store (finseg run --queue --before-import,
// issue 12): marked queued without a store, all or none; marked failed when the import fails,
// except a job that has a result; the store's own checks once it exists.
#include "core/errors.hpp"
#include "results/results_dir.hpp"
#include "run/run_plan.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace finseg {
namespace {

namespace fs = std::filesystem;

class QueueBeforeImport : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() /
                 ("finseg-queue-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override {
    fs::remove_all(dir);
    fs::create_directories(dir / "jobs");
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string job_file(const std::string& name, const std::string& text) const {
    const fs::path p = dir / "jobs" / name;
    std::ofstream(p) << text;
    return p.string();
  }
  PlanRequest request(std::vector<std::string> files, std::vector<std::string> ids) const {
    PlanRequest r;
    r.job_files = std::move(files);
    r.job_ids = std::move(ids);
    r.store = dir / "store";  // never made: the import would
    r.results = dir / "results";
    r.before_import = true;
    r.taxonomy = fs::path(FINSEG_SOURCE_DIR) / "config" / "labels.json";
    return r;
  }
  nlohmann::json marker(const std::string& id) const {
    return nlohmann::json::parse(std::ifstream(dir / "results" / (id + ".pending.json")));
  }
};

constexpr const char* kHighBalance = R"({"segment": "highBalance", "request": {"accountType": "checking", "threshold": 100}})";
constexpr const char* kBreakdown =
    R"({"segment": "financialBreakdown", "request": {"durationInMonth": 3, "labelGroups": ["INSURANCE"]}, "creationDate": "2026-10-01"})";

TEST_F(QueueBeforeImport, QueuesWithoutAStore) {
  PlanRequest r = request({job_file("a.json", kHighBalance), job_file("b.json", kBreakdown)}, {"A", "B"});
  r.queue_only = true;
  const RootPlan root = plan_on_root(r);
  EXPECT_EQ(root.all_ids, (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE(root.plan.shards.empty());
  const ResultsDir results(dir / "results");
  EXPECT_EQ(results.state("A"), ResultsDir::State::pending);
  EXPECT_EQ(marker("A")["status"], "queued");
  // No creationDate and no store yet: the marker says none rather than a made-up date.
  EXPECT_FALSE(marker("A").contains("creationDate"));
  EXPECT_FALSE(marker("A").contains("window"));
  EXPECT_EQ(marker("B")["creationDate"], "2026-10-01");
  EXPECT_EQ(marker("B")["window"]["from"], "2026-07-01");
}

TEST_F(QueueBeforeImport, OneInvalidJobFileQueuesNone) {
  PlanRequest r = request({job_file("a.json", kHighBalance),
                           job_file("bad.json", R"({"segment": "financialBreakdown", "request": {"durationInMonth": 3, "labelGroups": ["NOPE"]}})")},
                          {"A", "B"});
  r.queue_only = true;
  try {
    plan_on_root(r);
    FAIL() << "an unknown label group was accepted";
  } catch (const JobError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json: request.labelGroups[0]: unknown label group 'NOPE'"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "results" / "A.pending.json"));
  EXPECT_FALSE(fs::exists(dir / "results" / "B.pending.json"));
}

TEST_F(QueueBeforeImport, WithoutBeforeImportTheStoreIsNeeded) {
  PlanRequest r = request({job_file("a.json", kHighBalance)}, {"A"});
  r.queue_only = true;
  r.before_import = false;
  EXPECT_THROW(plan_on_root(r), StoreError);
  EXPECT_FALSE(fs::exists(dir / "results" / "A.pending.json"));
}

TEST_F(QueueBeforeImport, AFailedImportFailsTheQueuedJobsButNotADoneOne) {
  const std::vector<std::string> files{job_file("a.json", kHighBalance), job_file("b.json", kBreakdown)};
  PlanRequest queue = request(files, {"A", "B"});
  queue.queue_only = true;
  plan_on_root(queue);
  const ResultsDir results(dir / "results");
  const std::string done_manifest = R"({"jobId": "B", "status": "done", "segment": "financialBreakdown"})";
  const std::string document = "{}";
  results.commit("B", done_manifest, &document);

  PlanRequest fail = request(files, {"A", "B"});
  fail.fail_reason = "the import of CSV into STORE failed (exit 3): transactions.csv:3: bad";
  const RootPlan root = plan_on_root(fail);
  EXPECT_TRUE(root.plan.shards.empty());
  EXPECT_EQ(results.state("A"), ResultsDir::State::failed);
  EXPECT_EQ(marker("A")["error"], fail.fail_reason);
  EXPECT_EQ(results.state("B"), ResultsDir::State::done);
  EXPECT_EQ(results.read_result("B"), document);
}

}  // namespace
}  // namespace finseg
