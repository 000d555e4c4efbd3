#include "core/segments/request.hpp"

#include <array>

namespace finseg {

namespace {
constexpr std::array<std::string_view, 5> kSegmentNames = {"highBalance", "lowBalance", "incomeSpendingSummary",
                                                           "financialBreakdown", "insuranceSpending"};
}

std::string_view to_string(Segment segment) noexcept { return kSegmentNames[static_cast<std::size_t>(segment)]; }

std::optional<Segment> parse_segment(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kSegmentNames.size(); ++i)
    if (kSegmentNames[i] == name) return static_cast<Segment>(i);
  return std::nullopt;
}

int effective_duration(const SegmentRequest& request) noexcept {
  switch (request.segment) {
    case Segment::highBalance: return 0;
    case Segment::insuranceSpending:
      return request.duration_in_month > 0 ? request.duration_in_month : kDefaultInsuranceMonths;
    default: return request.duration_in_month;
  }
}

JobPeriod job_period(const JobSpec& job) noexcept {
  const int months = effective_duration(job.request);
  if (months == 0) return {job.creation_date, job.creation_date, 0};
  const MonthWindow w = window_before(job.creation_date, months);
  return {w.first_day, w.last_day, months};
}

}  // namespace finseg
