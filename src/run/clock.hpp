// Wall time of a run's phases (steady clock, seconds), for the run's report.
#pragma once

#include <chrono>

namespace finseg {

using Clock = std::chrono::steady_clock;
inline double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace finseg
