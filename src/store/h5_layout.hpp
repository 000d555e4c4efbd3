// Names of the groups, datasets and attributes of a shard file: the one place the layout of
// docs/store-format.md is spelled in code (writer and reader both use it).
#pragma once

#include <cstddef>

namespace finseg::h5layout {

// Root attributes.
inline constexpr const char* kFormatAttr = "format";  // "finseg-shard"
inline constexpr const char* kFormatName = "finseg-shard";
inline constexpr const char* kFormatVersionAttr = "format_version";
inline constexpr const char* kUsersAttr = "users";
inline constexpr const char* kAccountsAttr = "accounts";
inline constexpr const char* kTransactionsAttr = "transactions";
inline constexpr const char* kLabelsAttr = "labels";              // all names, bit order
inline constexpr const char* kLabelGroupsAttr = "label_groups";  // the names that are groups
// int32 days, what the manifest's shard entry records; only when the shard has transactions
// (bookings) or accounts (balance date). Shards written before these existed lack them.
inline constexpr const char* kFirstBookingAttr = "first_booking";
inline constexpr const char* kLastBookingAttr = "last_booking";
inline constexpr const char* kLatestBalanceDateAttr = "latest_balance_date";

inline constexpr const char* kUsers = "users";
inline constexpr const char* kAccounts = "accounts";
inline constexpr const char* kTransactions = "transactions";

// String columns: "<name>_bytes" (uint8) + "<name>_offsets" (int64, n + 1).
inline constexpr const char* kUserId = "/users/user_id";
inline constexpr const char* kUserAccountOffsets = "/users/account_offsets";

inline constexpr const char* kAccountId = "/accounts/account_id";
inline constexpr const char* kAccountType = "/accounts/type";
inline constexpr const char* kCurrency = "/accounts/currency";
inline constexpr const char* kBalance = "/accounts/balance";
inline constexpr const char* kBalanceDate = "/accounts/balance_date";
inline constexpr const char* kAccountTxnOffsets = "/accounts/transaction_offsets";

inline constexpr const char* kTransactionId = "/transactions/transaction_id";
inline constexpr const char* kBookingDate = "/transactions/booking_date";
inline constexpr const char* kAmount = "/transactions/amount";
inline constexpr const char* kLabels = "/transactions/labels";
inline constexpr const char* kCounterpartName = "/transactions/counterpart_name";
// Format 2: the names as a dictionary (a string column of the distinct names, in order of first
// use in the shard) and a uint32 id per transaction into it; format 1 had the plain column above.
inline constexpr const char* kCounterpartNameDict = "/transactions/counterpart_name_dict";
inline constexpr const char* kCounterpartNameId = "/transactions/counterpart_name_id";
inline constexpr const char* kCounterpartIban = "/transactions/counterpart_iban";
inline constexpr const char* kPurpose = "/transactions/purpose";

inline constexpr const char* kBytesSuffix = "_bytes";
inline constexpr const char* kOffsetsSuffix = "_offsets";

// Every dataset of a shard file (format 2), in the order the writer creates them.
inline constexpr const char* kDatasets[] = {
    "/users/user_id_bytes", "/users/user_id_offsets", kUserAccountOffsets,
    "/accounts/account_id_bytes", "/accounts/account_id_offsets", kAccountType, kCurrency, kBalance, kBalanceDate,
    kAccountTxnOffsets,
    "/transactions/transaction_id_bytes", "/transactions/transaction_id_offsets", kBookingDate, kAmount, kLabels,
    "/transactions/counterpart_name_dict_bytes", "/transactions/counterpart_name_dict_offsets", kCounterpartNameId,
    "/transactions/counterpart_iban_bytes", "/transactions/counterpart_iban_offsets",
    "/transactions/purpose_bytes", "/transactions/purpose_offsets",
};
// Format 1 (docs/store-format.md 5): datasets kFirstNameDataset and the next hold the plain names
// column instead of the dictionary, and there is no kNameIdDataset.
inline constexpr std::size_t kFirstNameDataset = 15;
inline constexpr std::size_t kNameIdDataset = 17;
inline constexpr const char* kNamesV1[] = {"/transactions/counterpart_name_bytes", "/transactions/counterpart_name_offsets"};

}  // namespace finseg::h5layout
