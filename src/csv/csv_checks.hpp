// The checks of one CSV row that need nothing but the row (SEGMENTS.md 1.1), shared by the serial
// import (csv_import.cpp) and the parallel one (src/ingest): the columns in the contract's order,
// and the reasons a rejected row is given, so both say the same words.
#pragma once

#include "core/errors.hpp"
#include "core/money.hpp"
#include "core/taxonomy.hpp"
#include "core/text_limits.hpp"
#include "csv/csv_reader.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace finseg::csv {

inline constexpr std::array<std::string_view, 6> kAccountColumns = {"accountId", "userId",  "accountType",
                                                                    "currency",  "balance", "balanceDate"};
enum AccountColumn : std::size_t { kAccountId, kUserId, kAccountType, kCurrency, kBalance, kBalanceDate };

inline constexpr std::array<std::string_view, 8> kTransactionColumns = {
    "transactionId", "accountId", "bookingDate", "amount", "counterpartName", "counterpartIban", "purpose", "labels"};
enum TransactionColumn : std::size_t {
  kTxnId,
  kTxnAccountId,
  kBookingDate,
  kAmount,
  kCounterpartName,
  kCounterpartIban,
  kPurpose,
  kLabels
};

inline bool is_currency_code(std::string_view s) noexcept {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

inline std::string field_count_reason(std::size_t got, std::size_t want) {
  return std::to_string(got) + (got == 1 ? " field" : " fields") + ", the header has " + std::to_string(want);
}

// SEGMENTS.md 1.1 says the files are UTF-8; text that is not would reach the result documents
// (userId, an insurance provider) and make them invalid JSON. The first such field of a record,
// in the contract's column order: its column index, or none.
template <std::size_t N>
std::optional<std::size_t> invalid_utf8_column(const Record& rec, const ColumnMap& col) {
  // One pass over the record (its fields are within it), not one per field: most rows are ASCII,
  // and a record that is valid UTF-8 has only valid fields, since a multi-byte sequence holds no
  // ASCII byte and so no comma, quote or line end that could cut it. Only a record with an invalid
  // byte somewhere (perhaps in a column the import ignores) is checked field by field, in order.
  if (rec.ascii) return std::nullopt;  // seen by the parser's masks, at no extra pass
  if (!rec.raw.empty() && !invalid_utf8_at(rec.raw)) return std::nullopt;
  for (std::size_t c = 0; c < N; ++c)
    if (invalid_utf8_at(rec.fields[col[c]])) return c;
  return std::nullopt;
}

inline std::string utf8_reason(std::string_view value) {
  const std::size_t at = *invalid_utf8_at(value);
  static constexpr char kHex[] = "0123456789abcdef";
  const auto byte = static_cast<unsigned char>(value[at]);
  return std::string("not valid UTF-8 (byte 0x") + kHex[byte >> 4] + kHex[byte & 15] + " at offset " +
         std::to_string(at) + ")";
}

inline const char* kAccountTypeReason =
    "unknown accountType (checking, savings, creditCard, security, loan, pocket, membership, bausparen)";
inline const char* kCurrencyReason = "not an ISO 4217 currency code (3 upper-case letters A-Z)";

inline std::string money_bound_reason(std::string_view account, std::string_view user) {
  return "the money sums of account " + std::string(account) + " (user " + std::string(user) +
         ") would overflow int64 cents (|balance| + |amount| over a user's accounts > 92233720368547758.07)";
}

// |cents| as an unsigned value: |INT64_MIN| = 2^63 still fits.
inline std::uint64_t magnitude(Cents cents) noexcept {
  return cents < 0 ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
}

// Adds |cents| to a user's running total; false (nothing added) when it would exceed INT64_MAX.
inline bool add_within_bound(std::uint64_t& total, Cents cents) noexcept {
  constexpr auto kLimit = static_cast<std::uint64_t>(std::numeric_limits<Cents>::max());
  const std::uint64_t m = magnitude(cents);
  if (m > kLimit - total) return false;
  total += m;
  return true;
}

// Label cells repeat a lot (a bank's export has tens of distinct cells): remember the parse of
// the cells seen, in a direct-mapped table of owned copies keyed by a hash of the cell's length
// and first and last 8 bytes. std::unordered_map's std::hash over the whole cell and its bucket
// walk were ~1.5 % of an import's instructions; a cell that collides is parsed again, not wrong.
class LabelCache {
 public:
  explicit LabelCache(const Taxonomy& taxonomy) : taxonomy_(taxonomy), slots_(kSlots) {}
  // The set, or the reason the cell is invalid.
  const Taxonomy::Parsed& parse(std::string_view cell) {
    if (cell.empty()) return empty_;
    Slot& slot = slots_[slot_of(cell)];
    if (slot.used && slot.cell == cell) return slot.parsed;
    scratch_ = taxonomy_.parse(cell);
    if (!scratch_.error.empty()) return scratch_;
    slot.cell.assign(cell);
    slot.parsed = scratch_;
    slot.used = true;
    return slot.parsed;
  }
  void clear() {  // the cells are copies: only to start afresh
    for (Slot& s : slots_) s.used = false;
  }

 private:
  static constexpr int kSlotBits = 12;
  static constexpr std::size_t kSlots = std::size_t{1} << kSlotBits;
  struct Slot {
    bool used = false;
    std::string cell;
    Taxonomy::Parsed parsed;
  };
  static std::size_t slot_of(std::string_view s) noexcept {
    std::uint64_t head = 0, tail = 0;
    if (s.size() >= 8) {  // fixed-size loads: a copy of variable length was ~45 instructions a row
      std::memcpy(&head, s.data(), 8);
      std::memcpy(&tail, s.data() + s.size() - 8, 8);
    } else {
      std::memcpy(&head, s.data(), s.size());
      std::memcpy(&tail, s.data(), s.size());
    }
    const std::uint64_t h = (head ^ (tail * 0x9E3779B97F4A7C15ULL) ^ s.size()) * 0xFF51AFD7ED558CCDULL;
    return static_cast<std::size_t>(h >> (64 - kSlotBits));
  }

  const Taxonomy& taxonomy_;
  std::vector<Slot> slots_;
  Taxonomy::Parsed empty_;
  Taxonomy::Parsed scratch_;
};

}  // namespace finseg::csv
