// CSV import (SEGMENTS.md 1.1): validate every row of accounts.csv and transactions.csv, set
// rejected rows aside or fail, then sort and cut the accepted rows into shards.
//
// One pass per file over a reader that hands out string_views into the file's bytes: accepted
// rows are kept as views plus parsed numbers (csv_rows.hpp), and text is copied once, into the
// ShardData (csv_partition.cpp). Rejected rows go to csv_rejections.cpp.
// A row is rejected at its first problem, checking the columns in the order of the contract's
// table; each rejected row is one reported problem and one line of the rejects file.
// An accepted row with an empty labels cell gets its labels from options.labeller, when given;
// with options.learner, once all rows are read, from what it learned from the labelled rows.
#include "csv/csv_import.hpp"

#include "core/errors.hpp"
#include "core/text_limits.hpp"
#include "csv/csv_checks.hpp"
#include "csv/csv_reader.hpp"
#include "csv/csv_rejections.hpp"
#include "csv/csv_rows.hpp"
#include "label/labeller.hpp"
#include "label/learned_labeller.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>

namespace finseg {

namespace {

using csv::AccountRow;
using csv::AccountTable;
using csv::Rejections;
using csv::TransactionRow;
using namespace csv;  // the columns and row checks of csv_checks.hpp

std::uint32_t row_index(std::size_t n, const std::string& file) {
  if (n >= std::numeric_limits<std::uint32_t>::max()) throw InputError(file + ": more than 4294967294 rows");
  return static_cast<std::uint32_t>(n);
}

// SEGMENTS.md 1.1: an overflow is a rejected row. Every money sum a job computes adds up (or
// subtracts) balances and amounts of one user's accounts: balances reconstructed backwards from
// balanceDate, incoming and outgoing sums, monthly and period totals, insurance totals. None can
// overflow int64 cents while the sum of |balance| and |amount| over all of a user's accounts fits,
// so the import rejects the row that would break this bound, and no later job can overflow.
class UserMoneyBound {
 public:
  std::uint32_t user_slot(std::string_view user) {
    const auto [it, added] = slots_.emplace(user, static_cast<std::uint32_t>(totals_.size()));
    if (added) totals_.push_back(0);
    return it->second;
  }
  // Adds |cents| to the user's total; false (nothing added) when the total would exceed INT64_MAX.
  bool add(std::uint32_t slot, Cents cents) { return csv::add_within_bound(totals_[slot], cents); }
  static std::string reason(std::string_view account, std::string_view user) {
    return csv::money_bound_reason(account, user);
  }

 private:
  std::unordered_map<std::string_view, std::uint32_t> slots_;
  std::vector<std::uint64_t> totals_;  // never above INT64_MAX
};

void read_accounts(csv::Reader& reader, Rejections& rejects, AccountTable& table, UserMoneyBound& sums) {
  const std::string& file = reader.file_name();
  csv::Record rec;
  if (!reader.next(rec)) throw InputError(file + ": empty file: the header row is missing");
  const csv::ColumnMap col(rec, kAccountColumns, file);
  while (reader.next(rec)) {
    const auto& f = rec.fields;
    auto reject = [&](std::size_t c, std::string reason) {
      rejects.add(file, rec, kAccountColumns[c], f[col[c]], std::move(reason));
    };
    // The accountId is registered whatever else is wrong with the row, so that a later duplicate
    // is still a duplicate and the account's transactions say why they have no account.
    std::optional<std::uint32_t> slot;
    if (col[kAccountId] < f.size() && !f[col[kAccountId]].empty()) {
      const auto [at, added] = table.index.insert(f[col[kAccountId]], row_index(table.rows.size(), file));
      if (added) {
        table.rows.push_back(AccountRow{});
        table.rows.back().id = f[col[kAccountId]];
        table.rows.back().line = rec.line;
        slot = at;
      } else if (f.size() == col.header_fields()) {
        reject(kAccountId, "duplicate accountId, first at line " + std::to_string(table.rows[at].line));
        continue;
      }
    }
    if (f.size() != col.header_fields()) {
      rejects.add(file, rec, "", rec.raw, field_count_reason(f.size(), col.header_fields()));
      continue;
    }
    if (!slot) {
      reject(kAccountId, "empty accountId");
      continue;
    }
    if (const auto c = invalid_utf8_column<kAccountColumns.size()>(rec, col)) {
      reject(*c, utf8_reason(f[col[*c]]));
      continue;
    }
    AccountRow& row = table.rows[*slot];
    row.user = f[col[kUserId]];
    if (row.user.empty()) {
      reject(kUserId, "empty userId");
      continue;
    }
    const auto type = parse_account_type(f[col[kAccountType]]);
    if (!type) {
      reject(kAccountType, kAccountTypeReason);
      continue;
    }
    row.type = *type;
    const std::string_view currency = f[col[kCurrency]];
    if (!is_currency_code(currency)) {
      reject(kCurrency, kCurrencyReason);
      continue;
    }
    std::copy(currency.begin(), currency.end(), row.currency.begin());
    const MoneyParse balance = parse_money(f[col[kBalance]]);
    if (!balance.ok()) {
      reject(kBalance, describe(*balance.error));
      continue;
    }
    row.balance = balance.value;
    const std::string_view date_text = f[col[kBalanceDate]];
    const auto date = parse_date(date_text);
    if (!date) {
      reject(kBalanceDate, describe_date_error(date_text));
      continue;
    }
    row.balance_date = *date;
    row.user_slot = sums.user_slot(row.user);
    if (!sums.add(row.user_slot, row.balance)) {
      reject(kBalance, UserMoneyBound::reason(row.id, row.user));
      continue;
    }
    row.accepted = true;
    ++table.accepted;
  }
}

using csv::LabelCache;

void read_transactions(csv::Reader& reader, const Taxonomy& taxonomy, const ImportOptions& options, AccountTable& accounts,
                       const std::string& accounts_file, Rejections& rejects, UserMoneyBound& sums,
                       std::vector<TransactionRow>& out,
                       std::vector<std::uint32_t>& unlabelled) {
  const Labeller* labeller = options.learner ? nullptr : options.labeller;
  const std::string& file = reader.file_name();
  csv::Record rec;
  if (!reader.next(rec)) throw InputError(file + ": empty file: the header row is missing");
  const csv::ColumnMap col(rec, kTransactionColumns, file);
  csv::StringIndex ids(std::max<std::size_t>(64, reader.size_bytes() / 128));
  std::vector<std::uint64_t> id_lines;  // line of each registered transactionId
  LabelCache labels(taxonomy);
  while (reader.next(rec)) {
    const auto& f = rec.fields;
    auto reject = [&](std::size_t c, std::string reason) {
      rejects.add(file, rec, kTransactionColumns[c], f[col[c]], std::move(reason));
    };
    const bool id_present = col[kTxnId] < f.size() && !f[col[kTxnId]].empty();
    if (id_present) {
      const auto [at, added] = ids.insert(f[col[kTxnId]], row_index(id_lines.size(), file));
      if (added) {
        id_lines.push_back(rec.line);
      } else if (f.size() == col.header_fields()) {
        reject(kTxnId, "duplicate transactionId, first at line " + std::to_string(id_lines[at]));
        continue;
      }
    }
    if (f.size() != col.header_fields()) {
      rejects.add(file, rec, "", rec.raw, field_count_reason(f.size(), col.header_fields()));
      continue;
    }
    if (!id_present) {
      reject(kTxnId, "empty transactionId");
      continue;
    }
    if (const auto c = invalid_utf8_column<kTransactionColumns.size()>(rec, col)) {
      reject(*c, utf8_reason(f[col[*c]]));
      continue;
    }
    const std::uint32_t* account = accounts.index.find(f[col[kTxnAccountId]]);
    if (!account) {
      reject(kTxnAccountId, "no such account in " + accounts_file);
      continue;
    }
    AccountRow& acc = accounts.rows[*account];
    if (!acc.accepted) {
      reject(kTxnAccountId, "the account was rejected (" + accounts_file + ":" + std::to_string(acc.line) + ")");
      continue;
    }
    const std::string_view date_text = f[col[kBookingDate]];
    const auto date = parse_date(date_text);
    if (!date) {
      reject(kBookingDate, describe_date_error(date_text));
      continue;
    }
    if (*date > acc.balance_date) {
      reject(kBookingDate, "after the account's balanceDate " + format_date(acc.balance_date));
      continue;
    }
    const MoneyParse amount = parse_money(f[col[kAmount]]);
    if (!amount.ok()) {
      reject(kAmount, describe(*amount.error));
      continue;
    }
    const Taxonomy::Parsed& label_set = labels.parse(f[col[kLabels]]);
    if (!label_set.error.empty()) {
      reject(kLabels, label_set.error);
      continue;
    }
    // Last: a row rejected for another reason adds nothing to the user's sums.
    if (!sums.add(acc.user_slot, amount.value)) {
      reject(kAmount, UserMoneyBound::reason(acc.id, acc.user));
      continue;
    }
    LabelSet row_labels = label_set.set;
    const TransactionText text{f[col[kPurpose]], f[col[kCounterpartName]], f[col[kCounterpartIban]], amount.value};
    if (options.learner && f[col[kLabels]].empty()) {
      unlabelled.push_back(row_index(out.size(), file));
      options.learner->note_unlabelled(text);
    } else if (options.learner) {
      options.learner->observe(text, row_labels);
    } else if (labeller && f[col[kLabels]].empty()) {
      row_labels = labeller->label(text);
    }
    const TransactionRow& row = out.emplace_back(TransactionRow{f[col[kTxnId]], f[col[kCounterpartName]],
                                                                f[col[kCounterpartIban]], f[col[kPurpose]],
                                                                amount.value, row_labels, *account, *date});
    acc.txn_text_bytes[0] += row.id.size();
    acc.txn_text_bytes[1] += row.counterpart_name.size();
    acc.txn_text_bytes[2] += row.counterpart_iban.size();
    acc.txn_text_bytes[3] += row.purpose.size();
  }
}

// The learned labeller sees every labelled row before it labels the empty cells.
void label_unlabelled(LearnedLabeller& learner, std::vector<TransactionRow>& txns, const std::vector<std::uint32_t>& unlabelled) {
  learner.finish();
  std::vector<UnlabelledRow> rows;
  rows.reserve(unlabelled.size());
  for (const std::uint32_t i : unlabelled) {
    const TransactionRow& t = txns[i];
    rows.push_back({{t.purpose, t.counterpart_name, t.counterpart_iban, t.amount}, t.account, t.booking_date});
  }
  std::vector<LabelSet> labels(rows.size());
  learner.label(rows, labels);
  for (std::size_t k = 0; k < unlabelled.size(); ++k) txns[unlabelled[k]].labels = labels[k];
}

}  // namespace

ImportResult import_csv(const std::filesystem::path& dir, const Taxonomy& taxonomy, const ImportOptions& options) {
  if (options.shards < 1) throw UsageError("import: the number of shards must be at least 1");
  if (options.max_rejects > 0 && options.rejects_file.empty())
    throw UsageError("import: allowing rejected rows needs a rejects file");
  if (options.max_rejects > 0 && !options.replace_rejects && std::filesystem::exists(options.rejects_file))
    throw IoError(options.rejects_file.string() +
                  " exists already: a rejects file is never overwritten (remove it, or --replace-rejects)");

  // Both readers live until the shards are built: the rows are views into their bytes.
  csv::Reader account_reader = csv::Reader::open(dir / "accounts.csv");
  csv::Reader txn_reader = csv::Reader::open(dir / "transactions.csv");
  Rejections rejects(options);

  AccountTable accounts;
  UserMoneyBound sums;
  read_accounts(account_reader, rejects, accounts, sums);
  std::vector<TransactionRow> txns;
  txns.reserve(txn_reader.size_bytes() / 96);
  std::vector<std::uint32_t> unlabelled;  // rows with an empty labels cell, for options.learner
  read_transactions(txn_reader, taxonomy, options, accounts, account_reader.file_name(), rejects, sums, txns, unlabelled);

  rejects.check(dir);
  if (options.learner) label_unlabelled(*options.learner, txns, unlabelled);
  if (options.max_rejects > 0) rejects.write(options.rejects_file);

  ImportResult result;
  result.account_rows = accounts.accepted;
  result.transaction_rows = txns.size();
  result.rejected_rows = rejects.rows();
  result.shards = build_shards(accounts, txns, options.shards);
  return result;
}

}  // namespace finseg