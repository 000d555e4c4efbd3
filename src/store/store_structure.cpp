#include "store/store_structure.hpp"

#include <algorithm>

namespace finseg {

namespace {

// Offsets of a CSR/string column: n + 1 entries, start at 0, never decrease, end at `total`.
std::string offsets_problem(const std::vector<std::int64_t>& offsets, std::uint64_t n, std::uint64_t total,
                            const char* what) {
  if (offsets.size() != n + 1)
    return std::string(what) + ": " + std::to_string(offsets.size()) + " offsets, expected " + std::to_string(n + 1);
  if (offsets.front() != 0) return std::string(what) + ": first offset is " + std::to_string(offsets.front()) + ", not 0";
  // A branch-free pass the compiler vectorises (every read checks every offset: an early exit
  // per element cost ~3 % of a run); the entry is looked for only when there is one.
  bool decreasing = false;
  for (std::size_t i = 1; i < offsets.size(); ++i) decreasing |= offsets[i] < offsets[i - 1];
  for (std::size_t i = 1; decreasing && i < offsets.size(); ++i)
    if (offsets[i] < offsets[i - 1])
      return std::string(what) + ": offsets decrease at entry " + std::to_string(i) + " (" +
             std::to_string(offsets[i - 1]) + " then " + std::to_string(offsets[i]) + ")";
  if (static_cast<std::uint64_t>(offsets.back()) != total)
    return std::string(what) + ": last offset is " + std::to_string(offsets.back()) + ", expected " +
           std::to_string(total);
  return "";
}

std::string string_problem(const StringColumn& column, std::uint64_t n, const char* what) {
  return offsets_problem(column.offsets(), n, column.bytes().size(), what);
}

template <class T>
std::string length_problem(const std::vector<T>& column, std::uint64_t n, const char* what) {
  if (column.size() != n)
    return std::string(what) + ": " + std::to_string(column.size()) + " values, expected " + std::to_string(n);
  return "";
}

}  // namespace

std::string shard_structure_problem(const ShardData& d, ColumnSet columns, const ShardCounts& c,
                                    std::size_t label_names) {
  std::string p;
  auto first = [&p](std::string problem) {
    if (p.empty()) p = std::move(problem);
    return !p.empty();
  };
  if (first(offsets_problem(d.user_account_offsets, c.users, c.accounts, "users/account_offsets"))) return p;
  if (first(offsets_problem(d.account_txn_offsets, c.accounts, c.transactions, "accounts/transaction_offsets"))) return p;
  if ((columns & kUserIds) && first(string_problem(d.user_id, c.users, "users/user_id"))) return p;
  if ((columns & kAccountIds) && first(string_problem(d.account_id, c.accounts, "accounts/account_id"))) return p;
  if (columns & kAccountMeta) {
    if (first(length_problem(d.account_type, c.accounts, "accounts/type")) ||
        first(length_problem(d.currency, c.accounts, "accounts/currency")) ||
        first(length_problem(d.balance, c.accounts, "accounts/balance")) ||
        first(length_problem(d.balance_date, c.accounts, "accounts/balance_date")))
      return p;
    for (std::size_t i = 0; i < d.account_type.size(); ++i) {
      const auto v = static_cast<std::uint8_t>(d.account_type[i]);
      if (v >= kAccountTypeNames.size())
        return "accounts/type: value " + std::to_string(v) + " at account " + std::to_string(i) +
               " is no account type";
    }
  }
  if ((columns & kTransactionIds) && first(string_problem(d.transaction_id, c.transactions, "transactions/transaction_id")))
    return p;
  if ((columns & kBookingDate) && first(length_problem(d.booking_date, c.transactions, "transactions/booking_date")))
    return p;
  if ((columns & kAmount) && first(length_problem(d.amount, c.transactions, "transactions/amount"))) return p;
  if (columns & kLabels) {
    if (first(length_problem(d.labels, c.transactions, "transactions/labels"))) return p;
    const LabelSet allowed = label_names >= 64 ? ~LabelSet{0} : (LabelSet{1} << label_names) - 1;
    LabelSet any = 0;  // branch-free and vectorised, as in offsets_problem
    for (const LabelSet l : d.labels) any |= l;
    for (std::size_t i = 0; (any & ~allowed) != 0 && i < d.labels.size(); ++i)
      if (d.labels[i] & ~allowed)
        return "transactions/labels: transaction " + std::to_string(i) + " carries a label bit beyond the " +
               std::to_string(label_names) + " taxonomy names";
  }
  const bool names = (columns & kCounterpartName) || ((columns & kCounterpartNameIds) && !d.counterpart_names_by_id);
  if (names && first(string_problem(d.counterpart_name, c.transactions, "transactions/counterpart_name"))) return p;
  if ((columns & kCounterpartNameIds) && d.counterpart_names_by_id &&
      (first(name_dictionary_problem(d.counterpart_name_dict)) ||
       first(length_problem(d.counterpart_name_id, c.transactions, "transactions/counterpart_name_id")) ||
       first(name_ids_problem(d.counterpart_name_id, d.counterpart_name_dict.size()))))
    return p;
  if ((columns & kCounterpartIban) &&
      first(string_problem(d.counterpart_iban, c.transactions, "transactions/counterpart_iban")))
    return p;
  if ((columns & kPurpose) && first(string_problem(d.purpose, c.transactions, "transactions/purpose"))) return p;
  return p;
}

std::string name_dictionary_problem(const StringColumn& dict) {
  return string_problem(dict, dict.size(), "transactions/counterpart_name_dict");
}

std::string name_ids_problem(const std::vector<std::uint32_t>& ids, std::size_t dict_size, std::uint64_t first) {
  std::uint32_t largest = 0;  // branch-free and vectorised, as in offsets_problem
  for (const std::uint32_t id : ids) largest = std::max(largest, id);
  if (ids.empty() || largest < dict_size) return "";
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] >= dict_size)
      return "transactions/counterpart_name_id: transaction " + std::to_string(first + i) + " has name id " +
             std::to_string(ids[i]) + ", the dictionary holds " + std::to_string(dict_size) + " names";
  return "";
}

DateRange date_range(const std::vector<Day>& days) {
  if (days.empty()) return {};
  // A min/max reduction the compiler vectorises (std::minmax_element tracks positions and does not).
  Day lo = days.front();
  Day hi = days.front();
  for (const Day d : days) {
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  return {lo, hi};
}

}  // namespace finseg
