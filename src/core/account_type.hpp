// Account types of SEGMENTS.md 1.1; the numeric values are stored in shards (docs/store-format.md).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace finseg {

enum class AccountType : std::uint8_t {
  checking = 0,
  savings = 1,
  creditCard = 2,
  security = 3,
  loan = 4,
  pocket = 5,
  membership = 6,
  bausparen = 7,
};

inline constexpr std::array<std::string_view, 8> kAccountTypeNames = {
    "checking", "savings", "creditCard", "security", "loan", "pocket", "membership", "bausparen"};

constexpr std::string_view to_string(AccountType t) noexcept {
  return kAccountTypeNames[static_cast<std::size_t>(t)];
}

constexpr std::optional<AccountType> parse_account_type(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kAccountTypeNames.size(); ++i)
    if (kAccountTypeNames[i] == s) return static_cast<AccountType>(i);
  return std::nullopt;
}

}  // namespace finseg
