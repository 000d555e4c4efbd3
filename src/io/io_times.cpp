#include "io/io_times.hpp"

namespace finseg {

IoTimes& thread_io_times() noexcept {
  thread_local IoTimes times;
  return times;
}

}  // namespace finseg
