// Where a thread's document I/O waited in the kernel, summed over its calls: what `finseg run`
// prints of the merge beside its CPU time (docs/performance.md 2.4.2), so that a rank's wall time
// that is not its own work can be told from the disk's (writes throttled, writeback queued).
#pragma once

#include <cstdint>

namespace finseg {

struct IoTimes {
  double read = 0;       // pread(2) of the partial files' sections (a copy from the page cache)
  double write = 0;      // pwrite(2) of documents and indexes (a copy into the page cache)
  double writeback = 0;  // sync_file_range(2): handing written bytes to the disk
  std::uint64_t read_bytes = 0, written_bytes = 0;
};

// The calling thread's sums since it started; a caller measuring a step takes the difference.
IoTimes& thread_io_times() noexcept;

}  // namespace finseg
