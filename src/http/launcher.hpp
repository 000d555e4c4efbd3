// How a queued job gets computed: a command template, expanded per job and run as a child
// process without a shell (each word is one argument, so no request text ever reaches a shell).
//
// Placeholders (whole words or parts of words): {finseg} the running finseg binary, {mpiexec},
// {ranks}, {store}, {results}, {jobId}, {jobFile} (the job file in the spool), {segment}.
//   local: the child IS the job (default `{mpiexec} -np {ranks} {finseg} run --store {store}
//          --results {results} --job-id {jobId} {jobFile}`): its exit ends the job.
//   slurm: the child SUBMITS the job (default `finseg-submit --store {store} --results {results}
//          --job-id {jobId} {jobFile}`): exit 0 means queued on the cluster; the job ends when its
//          result (or failure) appears in the results folder.
// Coalesced jobs (serve --coalesce-ms/--coalesce-max) share one launch: a word holding {jobId},
// {jobFile} or {segment} is repeated once per job, in the jobs' order, together with the option
// word right before it when that one starts with '-' and holds no placeholder. The default
// `--job-id {jobId} {jobFile}` of A and B becomes `--job-id A --job-id B A.json B.json`, which
// `finseg run` and `finseg-submit` both take (one pass computes every job). A template that can
// take one job only needs --coalesce-max 1.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace finseg::http {

struct LaunchVars {  // the same for every job
  std::string finseg, mpiexec, ranks, store, results;
};
struct JobVars {  // one job of a launch
  std::string job_id, job_file, segment;
};

class Launcher {
 public:
  enum class Mode { local, slurm };

  // Throws UsageError on an empty template or an unknown {placeholder}.
  Launcher(Mode mode, const std::string& command_template);
  static std::string default_template(Mode mode);

  Mode mode() const noexcept { return mode_; }
  // The argv of one launch of `jobs` (at least one).
  std::vector<std::string> expand(const LaunchVars& vars, const std::vector<JobVars>& jobs) const;
  // Why the launch command cannot be run (its program is not an executable file, or not found on
  // PATH), or nothing: GET /health's launcher check.
  std::optional<std::string> program_problem(const LaunchVars& vars) const;

  // Starts argv in its own process group, stdout and stderr appended to `log`; the child gets
  // SIGTERM if the calling thread ends (so call it from a thread that lives as long as the
  // service). Returns the pid; throws IoError when the log cannot be opened or fork fails.
  // A command that cannot be executed exits 127 (the reason is in the log).
  static pid_t start(const std::vector<std::string>& argv, const std::filesystem::path& log);

 private:
  Mode mode_;
  std::vector<std::string> words_;
  std::vector<bool> per_job_;     // holds a per-job placeholder: repeated per job
  std::vector<bool> option_of_;   // an option word before a per-job word: repeated with it
};

// The exit status of a child once it has ended (128+N when killed by signal N); never blocks.
std::optional<int> poll_child(pid_t pid) noexcept;
// Sends `signal` to the child's process group.
void signal_child(pid_t pid, int signal) noexcept;
// What a `finseg run` exit code means, for a failed job's message (docs/exit-codes.md).
std::string describe_exit(int code);

}  // namespace finseg::http
