// A segment job as the kernels see it: the validated finAPI request body (SEGMENTS.md 2.1-2.5)
// plus the job's creationDate. Validation is the I/O layer's; these structs trust their input.
#pragma once

#include "core/account_type.hpp"
#include "core/date.hpp"
#include "core/money.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace finseg {

enum class Segment : std::uint8_t { highBalance, lowBalance, incomeSpendingSummary, financialBreakdown, insuranceSpending };

std::string_view to_string(Segment segment) noexcept;
std::optional<Segment> parse_segment(std::string_view name) noexcept;

inline constexpr int kDefaultInsuranceMonths = 12;

struct SegmentRequest {
  Segment segment{};
  std::optional<AccountType> account_type;  // highBalance: required; lowBalance/incomeSpendingSummary: optional
  Cents threshold = 0;                      // highBalance, lowBalance
  int duration_in_month = 0;                // highBalance: 0; insuranceSpending: 0 means the default 12
  std::vector<int> label_groups;            // financialBreakdown: taxonomy group indices, request order
  std::optional<std::vector<int>> expected_insurance_types;  // insuranceSpending: bits of INSURANCE leaves
  std::optional<std::string> callback_url;
};

struct JobSpec {
  SegmentRequest request;
  Day creation_date = 0;
};

// The N of the document's "durationInMonth" and of the window: 0 for highBalance, the default 12
// for an insuranceSpending request without durationInMonth, the request's value otherwise.
int effective_duration(const SegmentRequest& request) noexcept;

// The days a job's document speaks of: for highBalance the one day creationDate (the balance at
// its end, SEGMENTS.md 2.1), otherwise the window of N complete months before creationDate's month.
// Printed when a run starts and recorded in each job's manifest, so an operator sees it.
struct JobPeriod {
  Day first_day = 0;
  Day last_day = 0;
  int months = 0;  // 0: highBalance's single day
};
JobPeriod job_period(const JobSpec& job) noexcept;

}  // namespace finseg
