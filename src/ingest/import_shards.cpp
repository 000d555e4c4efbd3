#include "ingest/import_shards.hpp"

#include "csv/csv_checks.hpp"
#include "ingest/import_accounts.hpp"
#include "label/learned_labeller.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace finseg::ingest {

namespace {

// What sorting and the money bound need of a transaction (40 bytes, not the 150 of a decoded
// TxnRec): the texts are decoded again from the spill bytes when the shard data is built.
struct ShardRow {
  InputPos pos;
  Cents amount = 0;
  LabelSet labels = 0;
  Day booking_date = 0;
  std::uint32_t offset = 0;  // of the record in txn_bytes[part]
  std::uint16_t part = 0;
  bool labels_empty = false;
};

struct LoadedShard {
  SpillReader account_bytes;
  std::vector<AccountRec> accounts;             // store order
  mutable std::vector<SpillReader> txn_bytes;   // one per rank; decoding seeks in them
  std::vector<ShardRow> txns;                   // as read, duplicates dropped
  std::vector<std::uint32_t> account_of;        // txns[i]'s index in accounts
  std::vector<std::uint32_t> order;             // txns in store order
  std::vector<bool> over_bound;                 // rejected by the money bound

  // The whole record of txns[i]; its views stay valid as long as this shard.
  TxnRec record(std::size_t i) const {
    SpillReader& r = txn_bytes[txns[i].part];
    r.seek(txns[i].offset);
    return TxnRec::read(r);
  }
};

void sort_into_store_order(LoadedShard& s) {
  s.order.resize(s.txns.size());
  std::iota(s.order.begin(), s.order.end(), 0u);
  std::sort(s.order.begin(), s.order.end(), [&](std::uint32_t x, std::uint32_t y) {
    const ShardRow& a = s.txns[x];
    const ShardRow& b = s.txns[y];
    if (s.account_of[x] != s.account_of[y]) return s.account_of[x] < s.account_of[y];
    if (a.booking_date != b.booking_date) return a.booking_date < b.booking_date;
    return a.pos < b.pos;
  });
}

// The serial import adds |balance| of each accepted account, then |amount| of each transaction
// in input order, to the user's total, and rejects the transaction that would take it past
// INT64_MAX. Only a user whose total overflows needs the input order (a pass without sorting
// finds them; they are rare).
void apply_money_bound(LoadedShard& s, const std::vector<std::size_t>& user_begin) {
  s.over_bound.assign(s.txns.size(), false);
  const std::size_t users = user_begin.size() - 1;
  std::vector<std::uint32_t> user_of(s.accounts.size());
  std::vector<std::uint64_t> base(users, 0);
  for (std::size_t u = 0; u < users; ++u)
    for (std::size_t a = user_begin[u]; a < user_begin[u + 1]; ++a) {
      user_of[a] = static_cast<std::uint32_t>(u);
      csv::add_within_bound(base[u], s.accounts[a].balance);  // accepted accounts fit
    }
  std::vector<std::uint64_t> total = base;
  std::vector<bool> overflow(users, false);
  bool any = false;
  for (std::size_t i = 0; i < s.txns.size(); ++i) {
    const std::uint32_t u = user_of[s.account_of[i]];
    if (!overflow[u] && !csv::add_within_bound(total[u], s.txns[i].amount)) any = overflow[u] = true;
  }
  if (!any) return;
  std::vector<std::uint32_t> replay;
  for (std::size_t i = 0; i < s.txns.size(); ++i)
    if (overflow[user_of[s.account_of[i]]]) replay.push_back(static_cast<std::uint32_t>(i));
  std::sort(replay.begin(), replay.end(), [&](std::uint32_t x, std::uint32_t y) {
    const std::uint32_t ux = user_of[s.account_of[x]], uy = user_of[s.account_of[y]];
    return ux != uy ? ux < uy : s.txns[x].pos < s.txns[y].pos;
  });
  for (std::size_t k = 0; k < replay.size(); ++k) {
    const std::uint32_t u = user_of[s.account_of[replay[k]]];
    if (k == 0 || u != user_of[s.account_of[replay[k - 1]]]) total[u] = base[u];
    s.over_bound[replay[k]] = !csv::add_within_bound(total[u], s.txns[replay[k]].amount);
  }
}

// `store_order`: sort the transactions (the writer needs it, learning does not).
LoadedShard load_shard(const ImportContext& ctx, int shard, const Duplicates& dups, std::vector<std::size_t>& user_begin,
                       bool store_order) {
  LoadedShard s;
  s.accounts = read_shard_accounts(ctx, shard, s.account_bytes);
  std::unordered_map<std::uint64_t, std::uint32_t> index;
  index.reserve(s.accounts.size());
  for (std::size_t a = 0; a < s.accounts.size(); ++a) {
    index.emplace(id_hash(s.accounts[a].id), static_cast<std::uint32_t>(a));
    if (a == 0 || s.accounts[a].user != s.accounts[a - 1].user) user_begin.push_back(a);
  }
  user_begin.push_back(s.accounts.size());
  s.txn_bytes.reserve(static_cast<std::size_t>(ctx.comm.size()));
  for (int r = 0; r < ctx.comm.size(); ++r) {
    s.txn_bytes.push_back(SpillReader::open(ctx.spill("txn-rows", shard, r)));
    SpillReader& in = s.txn_bytes.back();
    if (in.size_bytes() > UINT32_MAX) throw std::runtime_error("import: a spill file of shard " + std::to_string(shard) + " over 4 GiB: use more shards");
    while (!in.at_end()) {
      const auto offset = static_cast<std::uint32_t>(in.position());
      const TxnRec t = TxnRec::read(in);
      if (dups.contains(t.pos)) continue;
      s.account_of.push_back(index.at(t.account_hash));
      s.txns.push_back({t.pos, t.amount, t.labels, t.booking_date, offset, static_cast<std::uint16_t>(r), t.labels_empty});
    }
  }
  if (store_order) sort_into_store_order(s);
  apply_money_bound(s, user_begin);
  return s;
}

TransactionText text_of(const TxnRec& t) { return {t.purpose, t.counterpart_name, t.counterpart_iban, t.amount}; }

void label_empty_cells(LoadedShard& s, LearnedLabeller& learner) {
  std::vector<UnlabelledRow> rows;
  std::vector<std::uint32_t> which;
  for (const std::uint32_t i : s.order) {
    if (s.over_bound[i] || !s.txns[i].labels_empty) continue;
    rows.push_back({text_of(s.record(i)), s.account_of[i], s.txns[i].booking_date});
    which.push_back(i);
  }
  std::vector<LabelSet> labels(rows.size());
  learner.label(rows, labels);
  for (std::size_t k = 0; k < which.size(); ++k) s.txns[which[k]].labels = labels[k];
}

ShardData shard_data(const LoadedShard& s, const std::vector<std::size_t>& user_begin) {
  ShardData d;
  std::size_t t = 0;
  for (std::size_t u = 0; u + 1 < user_begin.size(); ++u) {
    d.add_user(s.accounts[user_begin[u]].user);
    for (std::size_t a = user_begin[u]; a < user_begin[u + 1]; ++a) {
      const AccountRec& acc = s.accounts[a];
      d.add_account(acc.id, acc.type, acc.currency, acc.balance, acc.balance_date);
      for (; t < s.order.size() && s.account_of[s.order[t]] == a; ++t) {
        if (s.over_bound[s.order[t]]) continue;
        const TxnRec x = s.record(s.order[t]);
        const LabelSet labels = s.txns[s.order[t]].labels;  // labelled since it was read, maybe
        d.add_transaction(x.id, x.booking_date, x.amount, labels, x.counterpart_name, x.counterpart_iban, x.purpose);
      }
    }
  }
  return d;
}

}  // namespace

void learn_from_shard(const ImportContext& ctx, int shard, const Duplicates& dups, LearnedLabeller& local) {
  std::vector<std::size_t> user_begin;
  const LoadedShard s = load_shard(ctx, shard, dups, user_begin, false);
  for (std::size_t i = 0; i < s.txns.size(); ++i) {
    if (s.over_bound[i]) continue;
    const TxnRec t = s.record(i);
    if (t.labels_empty)
      local.note_unlabelled(text_of(t));
    else
      local.observe(text_of(t), t.labels);
  }
}

WrittenShard write_import_shard(ImportContext& ctx, int shard, const Duplicates& dups, LearnedLabeller* learner,
                                StoreBuilder& builder, const ShardWriteOptions& write_options, bool write) {
  std::vector<std::size_t> user_begin;
  LoadedShard s = load_shard(ctx, shard, dups, user_begin, true);
  for (std::size_t i = 0; i < s.txns.size(); ++i) {
    if (!s.over_bound[i]) continue;
    const TxnRec t = s.record(i);
    const AccountRec& a = s.accounts[s.account_of[i]];
    ctx.problems.add({t.pos, false, csv::Problem{ctx.file_name(t.pos.file), t.pos.line, std::string(csv::kTransactionColumns[csv::kAmount]),
                                                std::string(t.amount_text), csv::money_bound_reason(a.id, a.user), std::string(t.raw)}},
                     true);
  }
  WrittenShard out;
  if (!write) return out;
  if (learner) label_empty_cells(s, *learner);
  const ShardData data = shard_data(s, user_begin);
  out.transactions = data.transactions();
  out.info = builder.write(shard, data, ctx.taxonomy, write_options);
  return out;
}

}  // namespace finseg::ingest
