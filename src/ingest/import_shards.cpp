#include "ingest/import_shards.hpp"

#include "csv/csv_checks.hpp"
#include "ingest/import_accounts.hpp"
#include "core/errors.hpp"
#include "label/learned_labeller.hpp"
#include "store/shard_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace finseg::ingest {

namespace {

// The shard's accepted accounts in store order, and what every group of its users needs of them.
struct ShardAccounts {
  SpillReader bytes;                                        // the views of `accounts` point here
  std::vector<AccountRec> accounts;
  std::vector<std::size_t> user_begin;                      // user u's accounts: [user_begin[u], user_begin[u + 1])
  std::vector<std::uint32_t> user_of;                       // account -> user
  std::unordered_map<std::uint64_t, std::uint32_t> index;  // accountId hash -> account
  std::size_t users() const noexcept { return user_begin.size() - 1; }
};

ShardAccounts read_accounts(const ImportContext& ctx, int shard) {
  ShardAccounts a;
  a.accounts = read_shard_accounts(ctx, shard, a.bytes);
  a.index.reserve(a.accounts.size());
  for (std::size_t i = 0; i < a.accounts.size(); ++i) {
    a.index.emplace(id_hash(a.accounts[i].id), static_cast<std::uint32_t>(i));
    if (i == 0 || a.accounts[i].user != a.accounts[i - 1].user) a.user_begin.push_back(i);
    a.user_of.push_back(static_cast<std::uint32_t>(a.user_begin.size() - 1));
  }
  a.user_begin.push_back(a.accounts.size());
  return a;
}

// Users [first, last) of a shard and the spill files that hold (at least) their transactions.
struct UserGroup {
  std::size_t first = 0, last = 0;
  std::vector<std::filesystem::path> files;
  bool own_files = false;  // files written for this group alone: removed once read
};

// One group of a shard in memory: its transactions (as read, duplicates dropped) and their order.
struct LoadedShard {
  mutable std::vector<SpillReader> txn_bytes;   // one per file; decoding seeks in them
  std::vector<ShardRow> txns;
  std::vector<std::uint32_t> account_of;        // txns[i]'s index in the shard's accounts
  std::vector<std::uint32_t> order;             // txns in store order
  std::vector<bool> over_bound;                 // rejected by the money bound
  bool any_over_bound = false;                  // (most shards have none: their rows are not tested one by one)

  // The record of txns[i] (but its account_hash: account_of[i] says the account), its labels as
  // they are now; its views stay valid as long as this shard. `all_texts`: amount_text and raw
  // too (the money bound's message), not only what the store and the labeller read.
  TxnRec record(std::size_t i, bool all_texts = false) const {
    const ShardRow& row = txns[i];
    TxnRec t;
    t.pos = row.pos;
    t.booking_date = row.booking_date;
    t.amount = row.amount;
    t.labels = row.labels;
    t.labels_empty = row.labels_empty;
    if (all_texts) {
      SpillReader& r = txn_bytes[row.part];
      r.seek(row.texts);
      TxnRec::read_texts(r, t);
    } else {
      const RowTexts x = texts(i);
      t.id = x.id;
      t.counterpart_name = x.counterpart_name;
      t.counterpart_iban = x.counterpart_iban;
      t.purpose = x.purpose;
    }
    return t;
  }
  // What the store holds of txns[i]'s texts (the views as record()'s).
  RowTexts texts(std::size_t i) const {
    const SpillReader& r = txn_bytes[txns[i].part];
    const char* end = nullptr;  // (txns[i].texts is within r: load_group read the texts' count there)
    return TxnRec::row_texts_at(r.data() + txns[i].texts, r.data() + r.size_bytes(), end);
  }
};

// `runs`: where each part's rows end in `s.txns` (one part per spill file read, in file order).
// A rank's spill file holds its rows in the order it read its units, so for an export listed in
// store order (by user, account, date, as finseg export writes it) every part is sorted and only
// the parts interleave: at np=2 a shard's rows come from two ranks' files whenever the shard
// straddles two units, which sent every such shard through std::sort (3.3 % of the import's CPU at
// np=2, docs/performance.md 6). Then the sorted parts are merged; otherwise the rows are sorted.
// The order is total (input positions differ), so either way gives the same order.
void sort_into_store_order(LoadedShard& s, const std::vector<std::size_t>& runs) {
  s.order.resize(s.txns.size());
  std::iota(s.order.begin(), s.order.end(), 0u);
  const auto before = [&](std::uint32_t x, std::uint32_t y) {
    const ShardRow& a = s.txns[x];
    const ShardRow& b = s.txns[y];
    if (s.account_of[x] != s.account_of[y]) return s.account_of[x] < s.account_of[y];
    if (a.booking_date != b.booking_date) return a.booking_date < b.booking_date;
    return a.pos < b.pos;
  };
  const auto at = [&](std::size_t i) { return s.order.begin() + static_cast<std::ptrdiff_t>(i); };
  std::vector<std::size_t> bounds{0};
  for (const std::size_t end : runs) {
    if (!std::is_sorted(at(bounds.back()), at(end), before)) {
      std::sort(s.order.begin(), s.order.end(), before);
      return;
    }
    bounds.push_back(end);
  }
  // Neighbouring runs merged pairwise until one is left: log2(parts) passes over the rows.
  while (bounds.size() > 2) {
    std::vector<std::size_t> merged{0};
    for (std::size_t i = 0; i + 2 < bounds.size(); i += 2) {
      if (bounds[i + 1] != bounds[i + 2] && bounds[i] != bounds[i + 1] && before(s.order[bounds[i + 1]], s.order[bounds[i + 1] - 1]))
        std::inplace_merge(at(bounds[i]), at(bounds[i + 1]), at(bounds[i + 2]), before);
      merged.push_back(bounds[i + 2]);
    }
    if (bounds.size() % 2 == 0) merged.push_back(bounds.back());
    bounds.swap(merged);
  }
}

// The serial import adds |balance| of each accepted account, then |amount| of each transaction
// in input order, to the user's total, and rejects the transaction that would take it past
// INT64_MAX. Only a user whose total overflows needs the input order (a pass without sorting
// finds them; they are rare).
void apply_money_bound(LoadedShard& s, const ShardAccounts& acc) {
  s.over_bound.assign(s.txns.size(), false);
  const std::vector<std::uint32_t>& user_of = acc.user_of;
  std::vector<std::uint64_t> base(acc.users(), 0);
  for (std::size_t a = 0; a < acc.accounts.size(); ++a) csv::add_within_bound(base[user_of[a]], acc.accounts[a].balance);  // accepted accounts fit
  std::vector<std::uint64_t> total = base;
  std::vector<bool> overflow(acc.users(), false);
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
    s.any_over_bound = s.any_over_bound || s.over_bound[replay[k]];
  }
}

// The transaction records of a spill file, one at a time, read through a window of `window`
// bytes (doubled for a longer record): what a rank holds does not grow with the file.
void for_each_spilled_txn(const std::filesystem::path& file, std::size_t window,
                          const std::function<void(const TxnRec&, std::size_t bytes)>& fn) {
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(file, ec);
  if (ec || size == 0) return;  // no rank had a row of this shard
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!f) throw IoError("cannot read " + file.string() + ": " + std::strerror(errno));
  std::vector<char> bytes;  // one buffer for every window (grown only for a longer record)
  for (std::uint64_t at = 0; at < size;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(window, size - at));
    if (bytes.size() < n) bytes.resize(n);
    if (fseeko(f.get(), static_cast<off_t>(at), SEEK_SET) != 0 || std::fread(bytes.data(), 1, n, f.get()) != n)
      throw IoError("cannot read " + file.string() + ": short read");
    const bool last = at + n == size;
    SpillReader r = SpillReader::view(bytes.data(), n);
    std::size_t whole = 0;  // bytes of the records read whole from this window
    while (!r.at_end()) {
      TxnRec t;
      // The spill format has no record lengths: a record cut by the window's end is only found
      // by reading it, and is read again at the start of the next window.
      try {
        t = TxnRec::read(r);
      } catch (const std::logic_error&) {
        if (last) throw;
        break;
      }
      fn(t, r.position() - whole);
      whole = r.position();
    }
    if (whole == 0) window *= 2;
    at += whole;
  }
}

constexpr std::size_t kSpillWindow = std::size_t{8} << 20;
// How the budget is shared while a group is written (docs/import.md, measured: a group's spilled
// bytes come with ~45 B per row of sort keys and order, up to twice that while the vectors grow,
// and the writer's buffers grow to up to twice what they hold): a quarter of it for a group's
// spilled rows, an eighth for the writer's columns (and what the spilled rows leave: writer_bytes).
constexpr std::uint64_t kGroupShare = 4;
constexpr std::uint64_t kWriterShare = 8;

std::uint64_t spilled_bytes(const std::vector<std::filesystem::path>& files) {
  std::uint64_t total = 0;
  for (const auto& file : files) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    total += ec ? 0 : size;
  }
  return total;
}

std::vector<std::filesystem::path> spill_files(const ImportContext& ctx, int shard) {
  std::vector<std::filesystem::path> files;
  for (int r = 0; r < ctx.comm.size(); ++r) files.push_back(ctx.spill("txn-rows", shard, r));
  return files;
}

// The writer's share of the budget: an eighth, plus half of what the shard's spilled rows leave
// of their quarter (the writer's buffers grow to twice what they hold), so the shard phase stays
// within ~0.75 x the budget (docs/import.md). A default shard (64 MB of CSV, ~80 MB of spilled
// rows, ~70 MB of columns) then keeps its columns in memory: with an eighth alone (64 MiB of the
// default budget) they went to spool files and back, ~5 % of an import's CPU in system time.
std::uint64_t writer_bytes(const ImportContext& ctx, std::uint64_t spilled) {
  const std::uint64_t group_share = ctx.memory_budget / kGroupShare;
  return ctx.memory_budget / kWriterShare + (spilled < group_share ? (group_share - spilled) / 2 : 0);
}

// The users of a shard cut into consecutive groups whose spilled rows fit `group_bytes`: one group
// reading the ranks' spill files when the whole shard fits (the usual case), else a pass counting
// each user's bytes, the cut, and a pass copying every row into its group's file (a user larger
// than `group_bytes` is a group alone).
std::vector<UserGroup> plan_groups(const ImportContext& ctx, int shard, const Duplicates& dups, const ShardAccounts& acc) {
  UserGroup all{0, acc.users(), spill_files(ctx, shard), false};
  const std::uint64_t total = spilled_bytes(all.files);
  const std::uint64_t group_bytes = std::max<std::uint64_t>(1, ctx.memory_budget / kGroupShare);
  if (total <= group_bytes) return {all};
  std::vector<std::uint64_t> user_bytes(acc.users(), 0);
  for (const auto& file : all.files)
    for_each_spilled_txn(file, kSpillWindow, [&](const TxnRec& t, std::size_t bytes) {
      if (!dups.contains(t.pos)) user_bytes[acc.user_of[acc.index.at(t.account_hash)]] += bytes;
    });
  std::vector<UserGroup> groups;
  std::vector<std::uint32_t> group_of(acc.users());
  for (std::size_t u = 0, bytes = 0; u < acc.users(); ++u) {
    if (groups.empty() || (bytes > 0 && bytes + user_bytes[u] > group_bytes)) {
      groups.push_back({u, u, {ctx.staging / ("group-" + std::to_string(shard) + "-" + std::to_string(groups.size()) + ".bin")}, true});
      bytes = 0;
    }
    groups.back().last = u + 1;
    bytes += user_bytes[u];
    group_of[u] = static_cast<std::uint32_t>(groups.size() - 1);
  }
  // The groups' writers share a quarter of the budget (at least 4 KiB each).
  const std::size_t buffer = std::clamp<std::size_t>(static_cast<std::size_t>(ctx.memory_budget / 4 / groups.size()), 4096, std::size_t{1} << 20);
  std::vector<SpillWriter> out;
  for (const auto& g : groups) out.emplace_back(g.files.front(), buffer);
  for (const auto& file : all.files)
    for_each_spilled_txn(file, kSpillWindow, [&](const TxnRec& t, std::size_t) {
      if (!dups.contains(t.pos)) t.write(out[group_of[acc.user_of[acc.index.at(t.account_hash)]]]);
    });
  for (auto& w : out) w.flush();
  return groups;
}

// `store_order`: sort the transactions (the writer needs it, learning does not). `scratch`: the
// vectors to fill (their capacity kept), handed back by hand_back().
LoadedShard load_group(const UserGroup& group, const ShardAccounts& acc, const Duplicates& dups, bool store_order,
                       ShardScratch* scratch = nullptr) {
  LoadedShard s;
  if (scratch) {
    s.txns.swap(scratch->rows);
    s.account_of.swap(scratch->account_of);
    s.order.swap(scratch->order);
    s.txns.clear();
    s.account_of.clear();
    s.order.clear();
  }
  s.txn_bytes.reserve(group.files.size());
  std::vector<std::size_t> runs;  // where each part's rows end
  for (std::size_t part = 0; part < group.files.size(); ++part) {
    s.txn_bytes.push_back(SpillReader::open(group.files[part]));
    if (group.own_files) std::filesystem::remove(group.files[part]);
    SpillReader& in = s.txn_bytes.back();
    if (in.size_bytes() > UINT32_MAX) throw std::runtime_error("import: " + group.files[part].string() + " over 4 GiB: use a smaller --memory-budget");
    // A row's account is most often the row before's (an export lists an account's rows
    // together): that one is checked before the hash map (~2 % of the shard phase's instructions).
    std::uint64_t last_hash = 0;
    std::uint32_t last_account = UINT32_MAX;
    while (!in.at_end()) {
      const TxnRec t = TxnRec::read_numbers(in);
      const auto texts = static_cast<std::uint32_t>(in.position());
      TxnRec::skip_texts(in);
      if (dups.contains(t.pos)) continue;
      if (last_account == UINT32_MAX || t.account_hash != last_hash) {
        last_account = acc.index.at(t.account_hash);
        last_hash = t.account_hash;
      }
      s.account_of.push_back(last_account);
      s.txns.push_back({t.pos, t.amount, t.labels, t.booking_date, texts, static_cast<std::uint16_t>(part), t.labels_empty});
    }
    runs.push_back(s.txns.size());
  }
  if (store_order) sort_into_store_order(s, runs);
  apply_money_bound(s, acc);
  return s;
}

void hand_back(LoadedShard& s, ShardScratch* scratch) noexcept {
  if (!scratch) return;
  scratch->rows.swap(s.txns);
  scratch->account_of.swap(s.account_of);
  scratch->order.swap(s.order);
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

// The group's users, their accounts and their transactions in store order, appended.
void append_group(const LoadedShard& s, const UserGroup& group, const ShardAccounts& acc, ShardStreamWriter& out) {
  std::size_t t = 0;
  for (std::size_t u = group.first; u < group.last; ++u) {
    out.add_user(acc.accounts[acc.user_begin[u]].user);
    for (std::size_t a = acc.user_begin[u]; a < acc.user_begin[u + 1]; ++a) {
      const AccountRec& account = acc.accounts[a];
      out.add_account(account.id, account.type, account.currency, account.balance, account.balance_date);
      for (; t < s.order.size() && s.account_of[s.order[t]] == a; ++t) {
        const std::uint32_t i = s.order[t];
        if (s.any_over_bound && s.over_bound[i]) continue;
        const ShardRow& row = s.txns[i];  // its labels: labelled since it was read, maybe
        const RowTexts x = s.texts(i);
        out.add_transaction(x.id, row.booking_date, row.amount, row.labels, x.counterpart_name, x.counterpart_iban, x.purpose);
      }
    }
  }
}

void record_money_bound_problems(ImportContext& ctx, const LoadedShard& s, const ShardAccounts& acc) {
  if (!s.any_over_bound) return;
  for (std::size_t i = 0; i < s.txns.size(); ++i) {
    if (!s.over_bound[i]) continue;
    const TxnRec t = s.record(i, true);
    const AccountRec& a = acc.accounts[s.account_of[i]];
    ctx.problems.add({t.pos, false, csv::Problem{ctx.file_name(t.pos.file), t.pos.line, std::string(csv::kTransactionColumns[csv::kAmount]),
                                                std::string(t.amount_text), csv::money_bound_reason(a.id, a.user), std::string(t.raw)}},
                     true);
  }
}

}  // namespace

void learn_from_shard(const ImportContext& ctx, int shard, const Duplicates& dups, LearnedLabeller& local) {
  const ShardAccounts acc = read_accounts(ctx, shard);
  for (const UserGroup& group : plan_groups(ctx, shard, dups, acc)) {
    const LoadedShard s = load_group(group, acc, dups, false);
    for (std::size_t i = 0; i < s.txns.size(); ++i) {
      if (s.over_bound[i]) continue;
      const TxnRec t = s.record(i);
      if (t.labels_empty)
        local.note_unlabelled(text_of(t));
      else
        local.observe(text_of(t), t.labels);
    }
  }
}

WrittenShard write_import_shard(ImportContext& ctx, int shard, const Duplicates& dups, LearnedLabeller* learner,
                                StoreBuilder& builder, const ShardWriteOptions& write_options, bool write,
                                ShardScratch* scratch) {
  const ShardAccounts acc = read_accounts(ctx, shard);
  // Every shard goes through the same streamed writer, so that its file does not depend on the
  // budget (the writer spools its columns beyond its share of it).
  ShardStreamWriter out(ctx.staging, "columns-" + std::to_string(shard), writer_bytes(ctx, spilled_bytes(spill_files(ctx, shard))),
                        scratch ? &scratch->columns : nullptr);
  const std::vector<UserGroup> groups = plan_groups(ctx, shard, dups, acc);
  for (const UserGroup& group : groups) {
    LoadedShard s = load_group(group, acc, dups, true, scratch);
    record_money_bound_problems(ctx, s, acc);
    if (write) {
      if (learner) label_empty_cells(s, *learner);
      append_group(s, group, acc, out);
    }
    hand_back(s, scratch);
  }
  WrittenShard written;
  written.groups = groups.size();
  if (!write) return written;
  written.transactions = out.transactions();
  written.info = builder.write(shard, out, ctx.taxonomy, write_options);
  return written;
}

}  // namespace finseg::ingest
