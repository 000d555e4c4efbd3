// The accepted rows of a CSV import before they become shards: parsed numbers plus string_views
// into the bytes of the file readers (which must outlive these rows).
#pragma once

#include "core/shard_data.hpp"
#include "csv/csv_string_index.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace finseg::csv {

struct AccountRow {
  std::string_view id, user;
  AccountType type = AccountType::checking;
  Currency currency{};
  Cents balance = 0;
  Day balance_date = 0;
  std::uint64_t line = 0;
  std::uint32_t user_slot = 0;  // the user's entry in the import's money bound (csv_import.cpp)
  bool accepted = false;
  // Text bytes of the account's accepted transactions (transactionId, counterpartName,
  // counterpartIban, purpose): sizes the shard's string columns without another pass.
  std::array<std::size_t, 4> txn_text_bytes{};
};

struct TransactionRow {
  std::string_view id, counterpart_name, counterpart_iban, purpose;
  Cents amount;
  LabelSet labels;
  std::uint32_t account;  // index into the account rows
  Day booking_date;
};

struct AccountTable {
  std::vector<AccountRow> rows;  // every row with a usable, first-seen accountId, accepted or not
  csv::StringIndex index;        // accountId -> rows index
  std::uint64_t accepted = 0;
};

// Sorts the accepted rows into store order (users, then accounts, in byte order; transactions by
// bookingDate, ties in input order) and cuts the users into `shards` contiguous blocks.
std::vector<ShardData> build_shards(const AccountTable& accounts, const std::vector<TransactionRow>& txns, int shards);

}  // namespace finseg::csv
