// Shared by the report tests: a document written to a temporary file of its own, removed at the end.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

namespace finseg {

struct TempDoc {
  std::filesystem::path path;
  explicit TempDoc(const std::string& text) {
    static std::atomic<int> count{0};  // a test holds several documents at once
    path = std::filesystem::temp_directory_path() /
           ("finseg-report-test-" + std::to_string(::getpid()) + "-" + std::to_string(count++) + ".json");
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempDoc() { std::filesystem::remove(path); }
  TempDoc(const TempDoc&) = delete;
  TempDoc& operator=(const TempDoc&) = delete;
};

}  // namespace finseg
