#include "core/segments/month_slots.hpp"

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

}  // namespace finseg
