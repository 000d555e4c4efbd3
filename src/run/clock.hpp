// Wall time of a run's phases (steady clock, seconds), for the run's report.
#pragma once

#include <chrono>
#include <ctime>

namespace finseg {

using Clock = std::chrono::steady_clock;
inline double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU time of the calling thread (user + system), seconds: what a phase cost a rank whatever else
// runs on its core (the wall time of a shared machine says more about the load than the phase).
inline double thread_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// CPU time of the whole process (every thread): a step whose I/O runs in threads of its own
// (DocumentWriter's O_DIRECT writes, fsync_paths) costs the rank their CPU too.
inline double process_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace finseg
