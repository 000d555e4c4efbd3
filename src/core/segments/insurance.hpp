// insuranceSpending (SEGMENTS.md 2.5): an account's insurance payments (amount < 0, matching
// INSURANCE) grouped into contracts by (provider, insuranceType) over all history up to the
// window's last day; a contract with a payment in the window is reported.
#pragma once

#include "core/segments/account_view.hpp"
#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace finseg {

enum class Frequency : std::uint8_t { MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY, IRREGULAR, UNKNOWN };
std::string_view to_string(Frequency f) noexcept;

// From the median gap in days between consecutive distinct dates of `sorted_dates` (ascending,
// duplicates allowed; median as in 2.4): bands 20-40, 80-100, 170-200, 340-390, closed; any
// other median (40.5 too) IRREGULAR; a single distinct date UNKNOWN.
Frequency payment_frequency(std::span<const Day> sorted_dates);

// Leading/trailing white space removed, inner runs collapsed to one ' ' (white space: the six
// ASCII characters ' ', \t, \n, \v, \f, \r).
void append_normalized_provider(std::string& out, std::string_view counterpart_name);
std::string normalize_provider(std::string_view counterpart_name);

// The first INSURANCE leaf the labels carry in table (= bit) order, else the group's own bit;
// -1 when the labels do not match the group.
int insurance_type_bit(LabelSet labels, LabelSet group_mask, int group_bit) noexcept;

struct InsurancePayment {
  Day date = 0;
  Cents amount = 0;  // < 0
  int type_bit = 0;  // taxonomy bit of its insuranceType
  std::string_view provider;  // normalised
};

struct InsuranceContract {
  std::string_view provider;
  int type_bit = 0;
  Cents amount = 0;  // |latest payment|, the largest on a tied date
  Frequency frequency = Frequency::UNKNOWN;
  Day last_payment_date = 0;
  std::uint64_t payments_in_period = 0;
  Cents total_in_period = 0;  // sum of |amount| in the window
};

// One account's payments booked on or before the window's last day, in any order (sorted in
// place). Appends the contracts with a payment on or after `first_day` to `out`, sorted by
// provider, then insuranceType name (`label_names[type_bit]`), both in byte order.
void insurance_contracts(std::span<InsurancePayment> payments, Day first_day, std::span<const std::string> label_names,
                         std::vector<InsuranceContract>& out);

void scan_insurance_spending(const JobSpec& job, const Taxonomy& taxonomy, const ShardData& shard, UserRange users,
                             SegmentPartial& out);

}  // namespace finseg
