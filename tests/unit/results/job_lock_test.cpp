// The jobId locks (results/job_lock.hpp) and what cleaning builds on them: a second coordinator is
// refused while the first lives, a member of an earlier run keeps a new coordinator out, locks
// die with their holder object, lock files are only removed when free; staged folder names map
// back to their jobId; a checkpoint is removed only when no live run owns it.
#include "core/errors.hpp"
#include "io/atomic_file.hpp"
#include "results/job_lock.hpp"
#include "results/results_checkpoints.hpp"
#include "results/results_dir.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <optional>

namespace finseg {
namespace {

using namespace std::chrono_literals;

struct Scratch {
  std::filesystem::path dir;
  Scratch() {
    char tmpl[] = "/tmp/finseg-lock-test-XXXXXX";
    dir = ::mkdtemp(tmpl);
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

std::string busy_message(const std::filesystem::path& results, const std::string& id) {
  try {
    JobLock::acquire(results, id, 0ms);
  } catch (const BusyError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no BusyError";
  return "";
}

TEST(JobLock, SecondCoordinatorIsRefusedUntilTheFirstEnds) {
  Scratch s;
  std::optional<JobLock> first = JobLock::acquire(s.dir, "j1", 0ms);
  EXPECT_TRUE(JobLock::held(s.dir, "j1"));
  const auto message = busy_message(s.dir, "j1");
  EXPECT_NE(message.find("job j1 is being computed by another run"), std::string::npos) << message;
  EXPECT_NE(message.find("pid " + std::to_string(::getpid())), std::string::npos) << message;
  EXPECT_NO_THROW(JobLock::acquire(s.dir, "j2", 0ms)) << "another jobId is independent";
  first.reset();
  EXPECT_FALSE(JobLock::held(s.dir, "j1"));
  EXPECT_NO_THROW(JobLock::acquire(s.dir, "j1", 0ms));
}

TEST(JobLock, ALiveMemberOfAnEarlierRunKeepsTheNextCoordinatorOut) {
  Scratch s;
  std::optional<JobLock> coordinator = JobLock::acquire(s.dir, "j", 0ms);
  std::optional<JobLock> orphan = JobLock::join(s.dir, "j");
  coordinator.reset();  // mpirun and rank 0 died; a rank lives on
  EXPECT_TRUE(JobLock::held(s.dir, "j"));
  EXPECT_NE(busy_message(s.dir, "j").find("ranks of a stopped run still live"), std::string::npos);
  orphan.reset();
  EXPECT_NO_THROW(JobLock::acquire(s.dir, "j", 0ms));
}

TEST(JobLock, WaitsForTheHolderUpToTheLimit) {
  Scratch s;
  const auto start = std::chrono::steady_clock::now();
  std::optional<JobLock> first = JobLock::acquire(s.dir, "j", 0ms);
  EXPECT_THROW(JobLock::acquire(s.dir, "j", 300ms), BusyError);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
}

TEST(JobLock, LockFilesAreRemovedOnlyWhenFree) {
  Scratch s;
  std::optional<JobLock> held = JobLock::acquire(s.dir, "j", 0ms);
  EXPECT_FALSE(JobLock::remove_if_free(s.dir, "j"));
  EXPECT_TRUE(std::filesystem::exists(JobLock::path(s.dir, "j")));
  held.reset();
  EXPECT_TRUE(JobLock::remove_if_free(s.dir, "j"));
  EXPECT_FALSE(std::filesystem::exists(JobLock::path(s.dir, "j")));
}

TEST(ResultsDir, StagedFolderNamesGiveTheirJobId) {
  EXPECT_EQ(ResultsDir::staged_job_id(".tmp-j1-4242"), "j1");
  EXPECT_EQ(ResultsDir::staged_job_id(".tmp-job-7-0b7e9c7a-1f0e-4a57-9d6c-3f0a1e2b4c5d"), "job-7");
  EXPECT_EQ(ResultsDir::staged_job_id(".tmp-a-b-12"), "a-b");
  EXPECT_EQ(ResultsDir::staged_job_id(".tmp-j1-notatag"), std::nullopt);
  EXPECT_EQ(ResultsDir::staged_job_id("j1"), std::nullopt);
  EXPECT_EQ(ResultsDir::staged_job_id(".tmp-..-12"), std::nullopt);
}

TEST(ResultsCheckpoints, RemovedOnlyWhenNoLiveRunOwnsThem) {
  Scratch s;
  const auto write_note = [&](const std::string& key, const std::string& ids) {
    std::filesystem::create_directories(s.dir / ".checkpoint" / key);
    write_file_atomic(s.dir / ".checkpoint" / key / "run.json", "{\"jobIds\": " + ids + ", \"storeChecksum\": \"crc32:00000000\"}");
  };
  write_note("k1", "[\"a\", \"b\"]");
  write_note("k2", "[\"b\"]");
  write_note("k3", "[\"../../etc\"]");
  std::optional<JobLock> live = JobLock::acquire(s.dir, "b", 0ms);
  EXPECT_EQ(remove_checkpoints_of(s.dir, "a"), 0u) << "k1 is owned by the live run of b";
  live.reset();
  EXPECT_EQ(remove_checkpoints_of(s.dir, "a"), 1u);
  EXPECT_FALSE(std::filesystem::exists(s.dir / ".checkpoint/k1"));
  EXPECT_TRUE(std::filesystem::exists(s.dir / ".checkpoint/k2"));
  const auto all = list_checkpoints(s.dir);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_FALSE(all[1].described) << "a run.json naming paths is not trusted";
}

// A running job's progress: the shards with a file in its checkpoint; a shard scanned in parts
// (the last shards at np > 1, a file per part) counts once, never more shards than the store has.
TEST(ResultsCheckpoints, ProgressCountsAShardInPartsOnce) {
  Scratch s;
  const auto dir = s.dir / ".checkpoint" / "k1";
  std::filesystem::create_directories(dir);
  write_file_atomic(dir / "run.json", "{\"jobIds\": [\"j\"], \"storeChecksum\": \"crc32:00000000\", \"shards\": 3}");
  for (const char* name : {"shard-00000.part", "shard-00002.users-0-5.part", "shard-00002.users-5-10.part",
                           "shard-00002.users-10-15.part", "run.json.tmp"})
    write_file_atomic(dir / name, "x");
  const auto p = checkpoint_progress(s.dir, "j");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->done, 2u);
  EXPECT_EQ(p->total, 3u);
}

}  // namespace
}  // namespace finseg
