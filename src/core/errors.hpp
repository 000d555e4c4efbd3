// Typed errors and the process exit-code table (docs/exit-codes.md mirrors it).
// User errors (bad input, bad job, bad store) and bugs (InternalError, std::logic_error) are
// different types; main() maps each to one documented exit code, all below 128.
#pragma once

#include <stdexcept>
#include <string>

namespace finseg {

enum class ExitCode : int {
  ok = 0,
  internal = 1,     // a bug: an invariant broke
  usage = 2,        // bad command line
  bad_input = 3,    // CSV import rejected rows; nothing was written
  bad_store = 4,    // store missing, truncated, corrupt or of another format version
  bad_job = 5,      // job file / request invalid; no job was created
  io = 6,           // cannot read or write a file the command needs
  busy = 7,         // another run of the same jobIds is alive (its lock is held)
  not_ready = 10,   // finseg get: job queued or running
  not_found = 11,   // finseg get: unknown jobId
  job_failed = 12,  // finseg get: job failed
  not_comparable = 13,  // finseg diff: the two jobs are of different segments or requests
  interrupted = 75, // run stopped by SIGTERM/SIGUSR1 after saving partials: retry (EX_TEMPFAIL)
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

struct UsageError : Error {
  explicit UsageError(const std::string& what) : Error(ExitCode::usage, what) {}
};
struct InputError : Error {
  explicit InputError(const std::string& what) : Error(ExitCode::bad_input, what) {}
};
struct StoreError : Error {
  explicit StoreError(const std::string& what) : Error(ExitCode::bad_store, what) {}
};
struct JobError : Error {
  explicit JobError(const std::string& what) : Error(ExitCode::bad_job, what) {}
};
struct IoError : Error {
  explicit IoError(const std::string& what) : Error(ExitCode::io, what) {}
};
// Another live run holds a jobId's lock (results/job_lock.hpp).
struct BusyError : Error {
  explicit BusyError(const std::string& what) : Error(ExitCode::busy, what) {}
};
// Arithmetic overflow of money: an input problem when it comes from data, never a silent wrap.
struct OverflowError : Error {
  explicit OverflowError(const std::string& what) : Error(ExitCode::bad_input, what) {}
};

}  // namespace finseg
