// One shard of a bank in columnar form: users -> accounts -> transactions, linked by CSR offsets.
// This is the in-memory twin of a shard file (docs/store-format.md): the generator and the CSV
// import build it, the store writes and reads it, the kernels scan its numeric columns.
#pragma once

#include "core/account_type.hpp"
#include "core/date.hpp"
#include "core/money.hpp"
#include "core/taxonomy.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace finseg {

// Strings packed end to end: string i is bytes[offsets[i], offsets[i+1]). Keeps text out of the
// numeric columns' way and maps to two plain HDF5 datasets.
class StringColumn {
 public:
  StringColumn() { offsets_.push_back(0); }
  std::size_t size() const noexcept { return offsets_.size() - 1; }
  bool empty() const noexcept { return size() == 0; }
  std::string_view operator[](std::size_t i) const noexcept {
    return {bytes_.data() + offsets_[i], static_cast<std::size_t>(offsets_[i + 1] - offsets_[i])};
  }
  void push_back(std::string_view s) {
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    offsets_.push_back(static_cast<std::int64_t>(bytes_.size()));
  }
  void reserve(std::size_t n, std::size_t bytes) {
    offsets_.reserve(n + 1);
    bytes_.reserve(bytes);
  }
  void clear() {
    bytes_.clear();
    offsets_.assign(1, 0);
  }
  const std::vector<char>& bytes() const noexcept { return bytes_; }
  const std::vector<std::int64_t>& offsets() const noexcept { return offsets_; }
  // For the store reader: adopt raw columns (validated by the caller).
  void assign(std::vector<char> bytes, std::vector<std::int64_t> offsets) {
    bytes_ = std::move(bytes);
    offsets_ = std::move(offsets);
  }
  // For the store reader: the raw columns filled in place (validated by the caller), so that one
  // ShardData read shard after shard keeps its buffers (no allocation, no zero-filling).
  std::vector<char>& raw_bytes() noexcept { return bytes_; }
  std::vector<std::int64_t>& raw_offsets() noexcept { return offsets_; }
  bool operator==(const StringColumn&) const = default;

 private:
  std::vector<char> bytes_;
  std::vector<std::int64_t> offsets_;
};

using Currency = std::array<char, 3>;

struct ShardData {
  // Users, sorted by userId (UTF-8 byte order). Accounts of user u: [user_account_offsets[u], [u+1]).
  StringColumn user_id;
  std::vector<std::int64_t> user_account_offsets{0};

  // Accounts, sorted by (user, accountId). Transactions of account a: [account_txn_offsets[a], [a+1]).
  StringColumn account_id;
  std::vector<AccountType> account_type;
  std::vector<Currency> currency;
  std::vector<Cents> balance;
  std::vector<Day> balance_date;
  std::vector<std::int64_t> account_txn_offsets{0};

  // Transactions, sorted by (user, account, bookingDate); ties keep their input order.
  StringColumn transaction_id;
  std::vector<Day> booking_date;
  std::vector<Cents> amount;
  std::vector<LabelSet> labels;
  StringColumn counterpart_name;
  StringColumn counterpart_iban;
  StringColumn purpose;
  // The counterpart names by id (read with kCounterpartNameIds from a store of format 2, when
  // counterpart_names_by_id): the name of transaction t is
  // counterpart_name_dict[counterpart_name_id[t]], the dictionary being the whole shard's.
  // counterpart_name_dict_serial tells one shard's dictionary from the next (a cache of anything
  // derived from it is valid while the serial stays); 0 for none.
  bool counterpart_names_by_id = false;
  StringColumn counterpart_name_dict;
  std::vector<std::uint32_t> counterpart_name_id;
  std::uint64_t counterpart_name_dict_serial = 0;

  // Transaction t's counterpart name, whichever way it was read.
  std::string_view counterpart_name_of(std::size_t t) const noexcept {
    return counterpart_names_by_id ? counterpart_name_dict[counterpart_name_id[t]] : counterpart_name[t];
  }

  // Counted from the offsets, which are always present (a partial column read leaves others empty).
  std::size_t users() const noexcept { return user_account_offsets.size() - 1; }
  std::size_t accounts() const noexcept { return account_txn_offsets.size() - 1; }
  std::size_t transactions() const noexcept { return static_cast<std::size_t>(account_txn_offsets.back()); }

  // Appending in sorted order keeps the offsets right: a user, then its accounts, then each
  // account's transactions right after that account.
  void add_user(std::string_view id) {
    user_id.push_back(id);
    user_account_offsets.push_back(user_account_offsets.back());
  }
  void add_account(std::string_view id, AccountType type, Currency cur, Cents bal, Day bal_date) {
    account_id.push_back(id);
    account_type.push_back(type);
    currency.push_back(cur);
    balance.push_back(bal);
    balance_date.push_back(bal_date);
    account_txn_offsets.push_back(account_txn_offsets.back());
    ++user_account_offsets.back();
  }
  void add_transaction(std::string_view id, Day booking, Cents amt, LabelSet lbl, std::string_view cp_name,
                       std::string_view cp_iban, std::string_view purp) {
    transaction_id.push_back(id);
    booking_date.push_back(booking);
    amount.push_back(amt);
    labels.push_back(lbl);
    counterpart_name.push_back(cp_name);
    counterpart_iban.push_back(cp_iban);
    purpose.push_back(purp);
    ++account_txn_offsets.back();
  }

  // User `u` of `from` with its accounts and transactions, appended (slicing and concatenating
  // shards in store order).
  void add_user_from(const ShardData& from, std::size_t u) {
    add_user(from.user_id[u]);
    for (auto a = from.user_account_offsets[u]; a < from.user_account_offsets[u + 1]; ++a) {
      const auto ai = static_cast<std::size_t>(a);
      add_account(from.account_id[ai], from.account_type[ai], from.currency[ai], from.balance[ai], from.balance_date[ai]);
      for (auto t = from.account_txn_offsets[ai]; t < from.account_txn_offsets[ai + 1]; ++t) {
        const auto ti = static_cast<std::size_t>(t);
        add_transaction(from.transaction_id[ti], from.booking_date[ti], from.amount[ti], from.labels[ti],
                        from.counterpart_name[ti], from.counterpart_iban[ti], from.purpose[ti]);
      }
    }
  }

  bool operator==(const ShardData&) const = default;
};

}  // namespace finseg
