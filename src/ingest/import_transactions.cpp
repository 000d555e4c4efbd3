#include "ingest/import_transactions.hpp"

#include "csv/csv_checks.hpp"
#include "ingest/import_dedup.hpp"
#include "label/labeller.hpp"
#include "label/learned_labeller.hpp"

#include <cstring>

namespace finseg::ingest {

using namespace csv;  // the columns and checks of csv_checks.hpp

namespace {

using Verdict = std::optional<std::pair<std::size_t, std::string>>;  // rejected: column, reason

// a == b, for the ids of 8-16 bytes a bank uses by four 8-byte loads, not a call to memcmp.
bool same_text(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.size() < 8 || a.size() > 16) return a == b;
  std::uint64_t a0, a1, b0, b1;
  std::memcpy(&a0, a.data(), 8);
  std::memcpy(&a1, a.data() + a.size() - 8, 8);
  std::memcpy(&b0, b.data(), 8);
  std::memcpy(&b1, b.data() + b.size() - 8, 8);
  return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}
constexpr std::size_t kWholeRecord = 99;

class TransactionChecker {
 public:
  TransactionChecker(ImportContext& ctx, const AccountMap& map, const Labeller* rules, LearnedLabeller* learner)
      : ctx_(ctx), map_(map), rules_(rules), learner_(learner), labels_(ctx.taxonomy) {}

  // The row checks of the serial import (csv_import.cpp read_transactions), in its order; the
  // duplicate check and the money bound come later (they need every rank's rows).
  Verdict check(const Record& rec, const ColumnMap& col, TxnRec& t, std::uint32_t& shard) {
    const auto& f = rec.fields;
    if (f.size() != col.header_fields()) return std::pair(kWholeRecord, field_count_reason(f.size(), col.header_fields()));
    if (f[col[kTxnId]].empty()) return std::pair(kTxnId, std::string("empty transactionId"));
    if (const auto c = invalid_utf8_column<kTransactionColumns.size()>(rec, col)) return std::pair(*c, utf8_reason(f[col[*c]]));
    const std::string_view account = f[col[kTxnAccountId]];
    const AccountMapEntry* acc = find_account(account, t.account_hash);
    if (!acc) {
      if (const FirstRejected* r = map_.find_rejected(account))
        return std::pair(kTxnAccountId, "the account was rejected (" + ctx_.file_name(r->pos.file) + ":" + std::to_string(r->pos.line) + ")");
      return std::pair(kTxnAccountId, "no such account in " + ctx_.accounts_name());
    }
    const std::string_view date_text = f[col[kBookingDate]];
    const auto date = parse_date(date_text);
    if (!date) return std::pair(kBookingDate, std::string(describe_date_error(date_text)));
    if (*date > acc->balance_date) return std::pair(kBookingDate, "after the account's balanceDate " + format_date(acc->balance_date));
    const MoneyParse amount = parse_money(f[col[kAmount]]);
    if (!amount.ok()) return std::pair(kAmount, std::string(describe(*amount.error)));
    const Taxonomy::Parsed& label_set = labels_.parse(f[col[kLabels]]);
    if (!label_set.error.empty()) return std::pair(kLabels, label_set.error);
    shard = acc->shard;
    t.booking_date = *date;
    t.amount = amount.value;
    t.amount_text = f[col[kAmount]];
    t.id = f[col[kTxnId]];
    t.counterpart_name = f[col[kCounterpartName]];
    t.counterpart_iban = f[col[kCounterpartIban]];
    t.purpose = f[col[kPurpose]];
    t.labels = label_set.set;
    t.labels_empty = f[col[kLabels]].empty();
    const TransactionText text{t.purpose, t.counterpart_name, t.counterpart_iban, t.amount};
    if (t.labels_empty && rules_) t.labels = rules_->label(text);
    if (learner_ && t.labels_empty) learner_->note_unlabelled(text);
    if (learner_ && !t.labels_empty) learner_->observe(text, t.labels);
    if (!add_within_bound(ctx_.money_total, t.amount)) ctx_.money_total = static_cast<std::uint64_t>(INT64_MAX);
    return std::nullopt;
  }
  void forget_cells() { labels_.clear(); }  // the reader's bytes go

 private:
  // A bank's export lists an account's transactions together: the account of the row before is
  // almost always this row's, and a compare replaces the binary search over the whole map (at
  // 10M users a search of ~25 steps through 368 MB, cache misses all the way). The compare is of
  // the text (a copy, the reader's bytes move), which also spares the id's hash (~43 instructions
  // a row): the same text has the same hash.
  const AccountMapEntry* find_account(std::string_view account, std::uint64_t& hash) {
    if (last_ && same_text(account, last_account_)) {
      hash = last_hash_;
      return last_;
    }
    hash = id_hash(account);
    const AccountMapEntry* acc = map_.find(hash);
    if (acc) {
      last_hash_ = hash;
      last_ = acc;
      last_account_.assign(account);
    }
    return acc;
  }

  ImportContext& ctx_;
  const AccountMap& map_;
  const Labeller* rules_;
  LearnedLabeller* learner_;
  LabelCache labels_;
  std::uint64_t last_hash_ = 0;
  const AccountMapEntry* last_ = nullptr;
  std::string last_account_;
};

struct TxnReadState {
  ImportContext& ctx;
  TransactionChecker checker;
  KeySpill keys;
  std::vector<SpillWriter> rows;  // per shard
  std::uint64_t bytes_done = 0;
};

void read_transaction_unit(TxnReadState& st, const InputUnit& unit, const std::function<void(std::uint64_t)>& progress) {
  ImportContext& ctx = st.ctx;
  UnitReader reader(unit);
  const std::string file = ctx.file_name(unit.file_index);
  const ColumnMap col(reader.header(), kTransactionColumns, file);
  Record rec;
  // One for the unit: check() sets every field a row that passes writes (a fresh one per row was
  // ~26 instructions of zeroing).
  TxnRec t;
  std::uint64_t n = 0;
  while (reader.next(rec)) {
    const auto& f = rec.fields;
    const InputPos pos{unit.file_index, rec.line};
    t.pos = pos;
    std::uint32_t shard = 0;
    const Verdict problem = st.checker.check(rec, col, t, shard);
    const std::string_view raw = st.ctx.keep_raw() ? rec.raw : std::string_view();
    if (col[kTxnId] < f.size() && !f[col[kTxnId]].empty()) {
      IdKey key{id_hash(f[col[kTxnId]]), pos, f.size() == col.header_fields(), !problem, f[col[kTxnId]], raw};
      if (!problem) {  // the id is read again from the row's record (IdKey)
        key.row_shard = static_cast<std::int32_t>(shard);
        key.row_offset = st.rows[shard].bytes_written();
      }
      st.keys.add(key);
    }
    if (!problem) {
      t.raw = raw;
      t.write(st.rows[shard]);
    } else {
      const bool whole = problem->first == kWholeRecord;
      ctx.problems.add({pos, false, Problem{file, rec.line, whole ? "" : std::string(kTransactionColumns[problem->first]),
                                            std::string(whole ? rec.raw : f[col[problem->first]]), problem->second,
                                            std::string(raw)}},
                       true);
    }
    if (++n % 65536 == 0) progress(st.bytes_done + reader.bytes_read());
  }
  st.bytes_done += reader.bytes_read();
  st.checker.forget_cells();
  progress(st.bytes_done);
}

}  // namespace

void read_transactions(ImportContext& ctx, const AccountMap& map, const Labeller* rules, LearnedLabeller* learner,
                       const std::function<void(std::uint64_t)>& progress) {
  TxnReadState st{ctx, TransactionChecker(ctx, map, rules, learner), KeySpill(ctx, "txn-ids"), {}, 0};
  for (int k = 0; k < ctx.shards; ++k) st.rows.emplace_back(ctx.spill("txn-rows", k, ctx.comm.rank()), ctx.spill_buffer);
  read_my_units(ctx, ctx.plan.transaction_units, [&](const InputUnit& u) { read_transaction_unit(st, u, progress); }, [&] {
    st.keys.flush();
    for (auto& w : st.rows) w.flush();
  });
}

}  // namespace finseg::ingest
