// The columns of a shard, as a bit set: a job names the columns it needs and the store reads
// only those (the store is columnar: one dataset per field).
#pragma once

#include <cstdint>

namespace finseg {

enum Column : std::uint32_t {
  kUserIds = 1u << 0,
  kAccountIds = 1u << 1,
  kAccountMeta = 1u << 2,  // type, currency, balance, balance_date
  kTransactionIds = 1u << 3,
  kBookingDate = 1u << 4,
  kAmount = 1u << 5,
  kLabels = 1u << 6,
  kCounterpartName = 1u << 7,
  kCounterpartIban = 1u << 8,
  kPurpose = 1u << 9,
  kText = kCounterpartName | kCounterpartIban | kPurpose,
  kAllColumns = 0x3ffu,
  // The counterpart names as the store keeps them (store format 2: a per-shard dictionary and an
  // id per transaction, ShardData::counterpart_name_dict/_id; format 1: the plain column, as
  // kCounterpartName). What insuranceSpending reads: it never decodes the whole names text.
  kCounterpartNameIds = 1u << 10,
};
using ColumnSet = std::uint32_t;

}  // namespace finseg
