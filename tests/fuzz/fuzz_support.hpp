// Shared by the libFuzzer targets of tests/fuzz (docs/faults.md): a scratch folder for the
// targets whose code under test reads files, and the rule every target follows.
//
// The rule: hostile bytes may only ever end in one of finseg's typed errors (finseg::Error: the
// exit-code table). Any other exception escapes the target and libFuzzer reports it as a crash,
// like a sanitizer report, a timeout or an allocation over -malloc_limit_mb.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace finseg::fuzz {

// A folder of this process (fuzz jobs and the seed replay may run side by side), removed at a
// normal exit by its holder's destructor (libFuzzer ends with _Exit: scripts/fuzz points TMPDIR at
// a folder it removes). In /dev/shm when TMPDIR is not set: the code under test fsyncs what it
// writes, which on a disk costs milliseconds per input (x10 fewer inputs per second).
// (An atexit handler registered while the path was being made ran after the path's own
// destructor, removed nothing, and every replay left its folder in /dev/shm.)
struct ScratchFolder {
  std::filesystem::path path;
  ~ScratchFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

inline const std::filesystem::path& scratch_dir() {
  static const ScratchFolder folder = [] {
    std::error_code ec;
    const auto base = std::getenv("TMPDIR") == nullptr && std::filesystem::is_directory("/dev/shm", ec)
                          ? std::filesystem::path("/dev/shm")
                          : std::filesystem::temp_directory_path();
    const auto d = base / ("finseg-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return ScratchFolder{d};
  }();
  return folder.path;
}

inline void write_bytes(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) std::abort();  // the harness itself failed, not the code under test
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// An invariant of the code under test broke on this input: abort, so that libFuzzer (or the
// seed replay) reports the input as a crash with this message.
[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

}  // namespace finseg::fuzz
