#include "core/segments/month_slots.hpp"

#include <array>
#include <stdexcept>
#include <string>

namespace finseg {

MonthSlots::MonthSlots(Day creation, int months) : window_(window_before(creation, months)) {
  if (months < 1 || months > 255) throw std::logic_error("MonthSlots: window of " + std::to_string(months) + " months");
  slot_of_day_.resize(static_cast<std::size_t>(window_.last_day - window_.first_day + 1));
  for (int s = 0; s < months; ++s) {
    const Day begin = first_day_of_month(window_.first_month + s);
    const Day end = last_day_of_month(window_.first_month + s);
    for (Day d = begin; d <= end; ++d)
      slot_of_day_[static_cast<std::size_t>(d - window_.first_day)] = static_cast<std::uint8_t>(s);
  }
}

const MonthSlots& cached_month_slots(Day creation, int months) {
  // A few windows side by side: the jobs of one run take turns on every block, each with its own.
  struct Cached {
    Day creation = 0;
    int months = 0;  // 0: nothing made yet
    MonthSlots slots;
  };
  constexpr std::size_t kWindows = 8;
  thread_local std::array<Cached, kWindows> cached;
  thread_local std::size_t next = 0;  // the entry replaced next, round robin
  for (const Cached& c : cached)
    if (c.months == months && c.creation == creation) return c.slots;
  Cached& c = cached[next];
  next = (next + 1) % kWindows;
  c.months = 0;  // stays unmade when the constructor throws
  c.slots = MonthSlots(creation, months);
  c.creation = creation;
  c.months = months;
  return c.slots;
}

}  // namespace finseg
