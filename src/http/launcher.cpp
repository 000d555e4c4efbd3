#include "http/launcher.hpp"

#include "core/errors.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace finseg::http {

namespace {

const char* const kPlaceholders[] = {"{finseg}", "{mpiexec}", "{ranks}", "{store}", "{results}", "{jobId}", "{jobFile}", "{segment}"};

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
}

bool has_placeholder(const std::string& w) {
  for (const char* p : kPlaceholders)
    if (w.find(p) != std::string::npos) return true;
  return false;
}

bool is_per_job(const std::string& w) {
  return w.find("{jobId}") != std::string::npos || w.find("{jobFile}") != std::string::npos || w.find("{segment}") != std::string::npos;
}

std::string expand_word(std::string w, const LaunchVars& v, const JobVars* job) {
  replace_all(w, "{finseg}", v.finseg);
  replace_all(w, "{mpiexec}", v.mpiexec);
  replace_all(w, "{ranks}", v.ranks);
  replace_all(w, "{store}", v.store);
  replace_all(w, "{results}", v.results);
  if (job) {
    replace_all(w, "{jobId}", job->job_id);
    replace_all(w, "{jobFile}", job->job_file);
    replace_all(w, "{segment}", job->segment);
  }
  return w;
}

bool executable(const std::string& file) { return ::access(file.c_str(), X_OK) == 0 && !std::filesystem::is_directory(file); }

}  // namespace

std::string Launcher::default_template(Mode mode) {
  if (mode == Mode::slurm) return "finseg-submit --store {store} --results {results} --job-id {jobId} {jobFile}";
  return "{mpiexec} -np {ranks} {finseg} run --store {store} --results {results} --job-id {jobId} {jobFile}";
}

Launcher::Launcher(Mode mode, const std::string& command_template) : mode_(mode) {
  std::istringstream in(command_template);
  for (std::string w; in >> w;) {
    std::string rest = w;
    for (const char* p : kPlaceholders) replace_all(rest, p, "");
    const auto open = rest.find('{');
    if (open != std::string::npos && rest.find('}', open) != std::string::npos)
      throw UsageError("--launch-command: unknown placeholder in '" + w +
                       "' (known: {finseg} {mpiexec} {ranks} {store} {results} {jobId} {jobFile} {segment})");
    words_.push_back(w);
  }
  if (words_.empty()) throw UsageError("--launch-command is empty");
  for (std::size_t i = 0; i < words_.size(); ++i) per_job_.push_back(is_per_job(words_[i]));
  option_of_.assign(words_.size(), false);
  for (std::size_t i = 1; i < words_.size(); ++i)
    if (per_job_[i] && words_[i][0] != '-' && words_[i - 1][0] == '-' && !has_placeholder(words_[i - 1])) option_of_[i - 1] = true;
}

std::vector<std::string> Launcher::expand(const LaunchVars& v, const std::vector<JobVars>& jobs) const {
  std::vector<std::string> argv;
  for (std::size_t i = 0; i < words_.size(); ++i) {
    if (option_of_[i]) continue;  // written with each copy of the per-job word after it
    if (!per_job_[i]) {
      argv.push_back(expand_word(words_[i], v, nullptr));
      continue;
    }
    for (const auto& job : jobs) {
      if (i > 0 && option_of_[i - 1]) argv.push_back(expand_word(words_[i - 1], v, nullptr));
      argv.push_back(expand_word(words_[i], v, &job));
    }
  }
  return argv;
}

std::optional<std::string> Launcher::program_problem(const LaunchVars& v) const {
  const std::string program = expand_word(words_[0], v, nullptr);
  if (program.find('/') != std::string::npos) {
    if (executable(program)) return std::nullopt;
    return "the launch command's program " + program + " is not an executable file";
  }
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (executable((dir.empty() ? std::string(".") : dir) + "/" + program)) return std::nullopt;
  return "the launch command's program " + program + " is not found on PATH";
}

pid_t Launcher::start(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  // Everything the child needs is prepared before fork: after it only async-signal-safe calls.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw IoError("cannot open launcher log " + log.string() + ": " + std::strerror(errno));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(log_fd);
    throw IoError(std::string("cannot fork the launcher: ") + std::strerror(err));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(125);  // the service is gone already
    sigset_t none;  // the service blocks SIGINT/SIGTERM and ignores SIGPIPE: the job must not inherit that
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::execvp(args[0], args.data());
    const char* why = std::strerror(errno);
    const char prefix[] = "finseg serve: cannot execute the launch command: ";
    [[maybe_unused]] ssize_t n = ::write(2, prefix, sizeof prefix - 1);
    n = ::write(2, args[0], std::strlen(args[0]));
    n = ::write(2, ": ", 2);
    n = ::write(2, why, std::strlen(why));
    n = ::write(2, "\n", 1);
    ::_exit(127);
  }
  ::close(log_fd);
  ::setpgid(pid, pid);  // also from the parent: no race with an early signal_child
  return pid;
}

std::optional<int> poll_child(pid_t pid) noexcept {
  int status = 0;
  const pid_t r = ::waitpid(pid, &status, WNOHANG);
  if (r == 0) return std::nullopt;
  if (r < 0) return 1;  // not our child any more: treat as a failed run
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return std::nullopt;
}

void signal_child(pid_t pid, int signal) noexcept {
  if (pid > 0) ::kill(-pid, signal);
}

std::string describe_exit(int code) {
  std::string what;
  switch (code) {
    case 1: what = "internal error"; break;
    case 2: what = "usage error in the launch command"; break;
    case 3: what = "bad input data"; break;
    case 4: what = "bad store: missing, or a shard is corrupt"; break;
    case 5: what = "bad job"; break;
    case 6: what = "I/O error"; break;
    case 7: what = "busy: another run of this jobId is still alive"; break;
    case 75: what = "interrupted"; break;
    case 125: what = "the service ended before the job started"; break;
    case 126: what = "the launch command is not executable"; break;
    case 127: what = "the launch command was not found"; break;
    default:
      if (code > 128) what = "killed by signal " + std::to_string(code - 128);
  }
  return "the run exited with code " + std::to_string(code) + (what.empty() ? "" : " (" + what + ")");
}

}  // namespace finseg::http
