// A job's window of N complete months with a precomputed day -> month-slot table, so the
// kernels bucket a transaction by one subtraction and one byte load instead of a calendar
// computation per transaction.
#pragma once

#include "core/date.hpp"

#include <cstdint>
#include <vector>

namespace finseg {

class MonthSlots {
 public:
  MonthSlots() = default;
  // The N months immediately before the month of `creation` (SEGMENTS.md 2), N in 1..255.
  MonthSlots(Day creation, int months);

  const MonthWindow& window() const noexcept { return window_; }
  int months() const noexcept { return window_.months; }
  Day first_day() const noexcept { return window_.first_day; }
  Day last_day() const noexcept { return window_.last_day; }
  bool contains(Day d) const noexcept { return window_.contains(d); }
  // Slot 0 is the first (oldest) month. `d` must lie in the window.
  int slot(Day d) const noexcept { return slot_of_day_[static_cast<std::size_t>(d - window_.first_day)]; }
  MonthNumber month(int slot) const noexcept { return window_.first_month + slot; }

 private:
  MonthWindow window_{};
  std::vector<std::uint8_t> slot_of_day_;
};

// MonthSlots(creation, months), made once per thread and kept for the next calls that ask for
// the same window (the last few windows are kept): the kernels run block by block (a few users each), and building the day table
// and its vector per block and job was ~0.4 % of a run's instructions.
const MonthSlots& cached_month_slots(Day creation, int months);

}  // namespace finseg
