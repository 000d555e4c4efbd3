// Shared by the results tests: a fresh temporary folder per test, removed at its end; the job
// the partial-file and document tests merge.
#pragma once

#include "core/date.hpp"
#include "core/segments/request.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace finseg {

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& prefix) {
    path = std::filesystem::temp_directory_path() / (prefix + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// A lowBalance job of 3 months (its documents' head is all the tests look at).
inline JobSpec merge_test_job() {
  JobSpec job;
  job.request.segment = Segment::lowBalance;
  job.request.duration_in_month = 3;
  job.creation_date = *parse_date("2024-04-10");
  return job;
}

}  // namespace finseg
