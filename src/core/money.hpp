// Money is exact: int64 cents, checked arithmetic, SEGMENTS.md 1.1 decimal syntax.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace finseg {

using Cents = std::int64_t;
// Exact intermediate for money arithmetic (__extension__ keeps -Wpedantic quiet about the GCC type).
__extension__ typedef __int128 Int128;

enum class MoneyParseError { empty, syntax, too_many_fraction_digits, overflow };

const char* describe(MoneyParseError e) noexcept;

struct MoneyParse {
  Cents value = 0;
  std::optional<MoneyParseError> error;
  bool ok() const noexcept { return !error; }
};

// `[+-]digits[.d|.dd]`: "12", "12.5", "-0.00", "+3.10" are valid; ".5", "5.", "1e2", " 1",
// "NaN", "1.234" are not. Overflow of int64 cents is an error, never a wrap.
MoneyParse parse_money(std::string_view text) noexcept;

// Two fraction digits, '-' only for negative values: 1250 -> "12.50", 0 -> "0.00".
std::string format_money(Cents value);
void append_money(std::string& out, Cents value);

// Throws OverflowError naming `what` when the sum does not fit.
Cents checked_add(Cents a, Cents b, const char* what = "money sum");

// Round a rational number of cents num/den (den > 0) half away from zero, exactly.
Cents round_div_half_away(Int128 num, Int128 den);

}  // namespace finseg
