#include "ingest/import_accounts.hpp"

#include "csv/csv_checks.hpp"
#include "parallel/collectives.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include <algorithm>
#include <cstring>
#include <set>

namespace finseg::ingest {

using namespace csv;  // the columns and checks of csv_checks.hpp

AccountMap::AccountMap(std::vector<AccountMapEntry> entries, std::vector<FirstRejected> rejected)
    : entries_(std::move(entries)), rejected_(std::move(rejected)) {
  std::sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) { return a.hash < b.hash; });
  for (std::size_t i = 1; i < entries_.size(); ++i)
    if (entries_[i].hash == entries_[i - 1].hash)
      throw std::runtime_error("import: two accountIds share the 64-bit hash " + std::to_string(entries_[i].hash) +
                               " of the account map (odds ~accounts^2 / 2^65); please report this input");
}

const AccountMapEntry* AccountMap::find(std::uint64_t hash) const {
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), hash, [](const auto& e, std::uint64_t h) { return e.hash < h; });
  return it != entries_.end() && it->hash == hash ? &*it : nullptr;
}

const FirstRejected* AccountMap::find_rejected(std::string_view id) const {
  const auto it = std::lower_bound(rejected_.begin(), rejected_.end(), id, [](const auto& r, std::string_view v) { return r.id < v; });
  return it != rejected_.end() && it->id == id ? &*it : nullptr;
}

namespace {

// The bottom-k distinct userIds by (hash, id): a sample that does not depend on who read what.
class UserSample {
 public:
  explicit UserSample(std::size_t k) : k_(k) {}
  void add(std::uint64_t hash, std::string_view user) {
    if (set_.size() >= k_ && std::pair(hash, user) >= std::pair(set_.rbegin()->first, std::string_view(set_.rbegin()->second))) return;
    set_.emplace(hash, std::string(user));
    if (set_.size() > k_) set_.erase(std::prev(set_.end()));
  }
  std::vector<std::pair<std::uint64_t, std::string>> items() const { return {set_.begin(), set_.end()}; }

 private:
  std::size_t k_;
  std::set<std::pair<std::uint64_t, std::string>> set_;
};

struct AccountReadState {
  ImportContext& ctx;
  KeySpill keys;
  SpillWriter parsed;  // this rank's rows that passed the row checks
  UserSample sample;
};

// The row checks of the serial import (csv_import.cpp read_accounts), in its order; the money
// bound is the shard owner's (it needs all of a user's accounts). Empty: the row passed.
std::optional<std::pair<std::size_t, std::string>> check_account(const Record& rec, const ColumnMap& col, AccountRec& a) {
  const auto& f = rec.fields;
  if (f[col[kAccountId]].empty()) return std::pair(kAccountId, std::string("empty accountId"));
  if (const auto c = invalid_utf8_column<kAccountColumns.size()>(rec, col)) return std::pair(*c, utf8_reason(f[col[*c]]));
  a.id = f[col[kAccountId]];
  a.user = f[col[kUserId]];
  if (a.user.empty()) return std::pair(kUserId, std::string("empty userId"));
  const auto type = parse_account_type(f[col[kAccountType]]);
  if (!type) return std::pair(kAccountType, std::string(kAccountTypeReason));
  a.type = *type;
  const std::string_view currency = f[col[kCurrency]];
  if (!is_currency_code(currency)) return std::pair(kCurrency, std::string(kCurrencyReason));
  std::copy(currency.begin(), currency.end(), a.currency.begin());
  const MoneyParse balance = parse_money(f[col[kBalance]]);
  if (!balance.ok()) return std::pair(kBalance, std::string(describe(*balance.error)));
  a.balance = balance.value;
  a.balance_text = f[col[kBalance]];
  const std::string_view date_text = f[col[kBalanceDate]];
  const auto date = parse_date(date_text);
  if (!date) return std::pair(kBalanceDate, std::string(describe_date_error(date_text)));
  a.balance_date = *date;
  return std::nullopt;
}

void read_account_unit(AccountReadState& st, const InputUnit& unit) {
  ImportContext& ctx = st.ctx;
  UnitReader reader(unit);
  const std::string file = ctx.file_name(unit.file_index);
  const ColumnMap col(reader.header(), kAccountColumns, file);
  Record rec;
  while (reader.next(rec)) {
    const auto& f = rec.fields;
    const InputPos pos{unit.file_index, rec.line};
    const bool full = f.size() == col.header_fields();
    const bool has_id = col[kAccountId] < f.size() && !f[col[kAccountId]].empty();
    AccountRec a;
    a.pos = pos;
    std::optional<std::pair<std::size_t, std::string>> problem;
    if (!full)
      problem = std::pair(std::size_t{99}, field_count_reason(f.size(), col.header_fields()));
    else
      problem = check_account(rec, col, a);
    const std::string_view raw = ctx.keep_raw() ? rec.raw : std::string_view();
    if (has_id) st.keys.add(IdKey{id_hash(f[col[kAccountId]]), pos, full, !problem, f[col[kAccountId]], raw});
    if (problem && problem->first == 99) {
      ctx.problems.add({pos, false, Problem{file, rec.line, "", std::string(rec.raw), problem->second, std::string(raw)}}, true);
    } else if (problem) {
      const std::size_t c = problem->first;
      ctx.problems.add({pos, false, Problem{file, rec.line, std::string(kAccountColumns[c]), std::string(f[col[c]]),
                                            problem->second, std::string(raw)}}, true);
    } else {
      a.raw = raw;
      a.write(st.parsed);
      st.sample.add(id_hash(a.user), a.user);
    }
  }
}

// The first users of shards 1..K-1, from every rank's sample.
std::vector<std::string> shard_splitters(ImportContext& ctx, const UserSample& sample, std::size_t k) {
  UserSample all(k);
  for (const auto& part : all_gather_values(ctx.comm, sample.items()))
    for (const auto& [h, u] : part) all.add(h, u);
  std::vector<std::string> users;
  for (auto& [h, u] : all.items()) users.push_back(u);
  std::sort(users.begin(), users.end());
  std::vector<std::string> splitters;
  if (users.empty()) return splitters;
  const std::size_t n = users.size(), shards = static_cast<std::size_t>(ctx.shards);
  for (std::size_t i = 1; i < shards; ++i) splitters.push_back(users[i * n / shards]);
  return splitters;
}

int shard_of(const std::vector<std::string>& splitters, std::string_view user) {
  return static_cast<int>(std::upper_bound(splitters.begin(), splitters.end(), user,
                                           [](std::string_view u, const std::string& s) { return u < s; }) -
                          splitters.begin());
}

}  // namespace

namespace {

// This rank's parsed rows, less the later duplicates, to the spill of their shard.
void route_accounts(ImportContext& ctx, const std::vector<std::string>& splitters, const Duplicates& dups) {
  const auto mine = ctx.spill("parsed-accounts", 0, ctx.comm.rank());
  SpillReader in = SpillReader::open(mine);
  std::vector<SpillWriter> out;
  for (int k = 0; k < ctx.shards; ++k) out.emplace_back(ctx.spill("account-rows", k, ctx.comm.rank()), ctx.spill_buffer);
  while (!in.at_end()) {
    const AccountRec a = AccountRec::read(in);
    if (!dups.contains(a.pos)) a.write(out[static_cast<std::size_t>(shard_of(splitters, a.user))]);
  }
  for (auto& w : out) w.flush();
  std::filesystem::remove(mine);
}

// The serial import adds each account's |balance| to its user's total in input order and rejects
// the account that would take it past INT64_MAX. Only a user whose total overflows needs the
// order: `accounts` are one user's, sorted by accountId; returns which are accepted.
std::vector<bool> within_money_bound(std::span<const AccountRec> accounts) {
  std::vector<bool> ok(accounts.size(), true);
  std::uint64_t total = 0;
  bool overflow = false;
  for (const auto& a : accounts) overflow = overflow || !add_within_bound(total, a.balance);
  if (!overflow) return ok;
  std::vector<std::size_t> order(accounts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return accounts[x].pos < accounts[y].pos; });
  total = 0;
  for (const std::size_t i : order) ok[i] = add_within_bound(total, accounts[i].balance);
  return ok;
}

// One shard's accounts: sorted into store order, the money bound applied; the accepted ones left
// in the staging folder for the shard writer and entered into this rank's part of the map.
void settle_shard_accounts(ImportContext& ctx, int shard, std::vector<AccountMapEntry>& entries,
                           std::vector<FirstRejected>& rejected) {
  std::vector<SpillReader> files;
  std::vector<AccountRec> rows;
  for (int r = 0; r < ctx.comm.size(); ++r) {
    files.push_back(SpillReader::open(ctx.spill("account-rows", shard, r)));
    while (!files.back().at_end()) rows.push_back(AccountRec::read(files.back()));
  }
  std::sort(rows.begin(), rows.end(), [](const AccountRec& a, const AccountRec& b) {
    return a.user != b.user ? a.user < b.user : a.id < b.id;
  });
  SpillWriter out(ctx.spill("accounts", shard, 0), ctx.spill_buffer);
  for (std::size_t g = 0; g < rows.size();) {
    std::size_t e = g + 1;
    while (e < rows.size() && rows[e].user == rows[g].user) ++e;
    const auto ok = within_money_bound(std::span(rows).subspan(g, e - g));
    for (std::size_t i = g; i < e; ++i) {
      const AccountRec& a = rows[i];
      if (ok[i - g]) {
        a.write(out);
        entries.push_back({id_hash(a.id), static_cast<std::uint32_t>(shard), a.balance_date});
        if (!add_within_bound(ctx.money_total, a.balance)) ctx.money_total = static_cast<std::uint64_t>(INT64_MAX);
        continue;
      }
      ctx.problems.add({a.pos, false, Problem{ctx.file_name(a.pos.file), a.pos.line, std::string(kAccountColumns[kBalance]),
                                             std::string(a.balance_text), money_bound_reason(a.id, a.user), std::string(a.raw)}},
                       true);
      rejected.push_back({std::string(a.id), a.pos});
    }
    g = e;
  }
  out.flush();
  for (int r = 0; r < ctx.comm.size(); ++r) std::filesystem::remove(ctx.spill("account-rows", shard, r));
}

}  // namespace

AccountsOutcome import_accounts(ImportContext& ctx) {
  // 16 sampled users per shard place a shard's bounds within a few % of an equal share of users.
  const std::size_t sample_size = std::clamp<std::size_t>(16 * static_cast<std::size_t>(ctx.shards), 4096, std::size_t{1} << 18);
  AccountReadState st{ctx, KeySpill(ctx, "account-ids"), SpillWriter(ctx.spill("parsed-accounts", 0, ctx.comm.rank()), ctx.spill_buffer),
                      UserSample(sample_size)};
  // Each step that may fail on one rank ends in an agreement (every rank throws, none waits).
  read_my_units(ctx, ctx.plan.account_units, [&](const InputUnit& u) { read_account_unit(st, u); }, [&] {
    st.keys.flush();
    st.parsed.flush();
  });
  const std::vector<std::string> splitters = shard_splitters(ctx, st.sample, sample_size);
  Duplicates dups = find_duplicates(ctx, "account-ids", kAccountColumns[kAccountId], true);
  agree(ctx, static_cast<std::uint64_t>(ctx.comm.rank()), [&] { route_accounts(ctx, splitters, dups); });
  std::vector<AccountMapEntry> entries;
  std::vector<FirstRejected> rejected = std::move(dups.first_rejected);
  agree(ctx, static_cast<std::uint64_t>(ctx.comm.rank()), [&] {
    for (int k = ctx.comm.rank(); k < ctx.shards; k += ctx.comm.size()) settle_shard_accounts(ctx, k, entries, rejected);
  });
  std::sort(rejected.begin(), rejected.end(), [](const auto& a, const auto& b) { return a.pos < b.pos; });
  if (rejected.size() > ctx.keep()) rejected.resize(ctx.keep());
  AccountsOutcome out;
  // Every rank's part in turn, appended as it arrives: the map plus one part at a time, never
  // every part and the map at once (the map is the largest thing a rank holds at 10M users).
  std::vector<AccountMapEntry> all_entries;
  const std::string bytes(reinterpret_cast<const char*>(entries.data()), entries.size() * sizeof(AccountMapEntry));
  entries = {};
  all_entries.reserve(static_cast<std::size_t>(all_sum(ctx.comm, static_cast<std::int64_t>(bytes.size() / sizeof(AccountMapEntry)))));
  for (int r = 0; r < ctx.comm.size(); ++r) {
    const std::string part = ctx.comm.broadcast(r == ctx.comm.rank() ? bytes : std::string(), r);
    const std::size_t n = part.size() / sizeof(AccountMapEntry);
    const std::size_t at = all_entries.size();
    all_entries.resize(at + n);
    if (n > 0) std::memcpy(all_entries.data() + at, part.data(), n * sizeof(AccountMapEntry));
  }
  out.accepted = all_entries.size();
  std::vector<FirstRejected> all_rejected;
  for (auto& part : all_gather_values(ctx.comm, rejected)) all_rejected.insert(all_rejected.end(), part.begin(), part.end());
  std::sort(all_rejected.begin(), all_rejected.end(), [](const auto& a, const auto& b) { return a.pos < b.pos; });
  if (all_rejected.size() > ctx.keep()) all_rejected.resize(ctx.keep());
  std::sort(all_rejected.begin(), all_rejected.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  out.map = AccountMap(std::move(all_entries), std::move(all_rejected));
  return out;
}

std::vector<AccountRec> read_shard_accounts(const ImportContext& ctx, int shard, SpillReader& holder) {
  holder = SpillReader::open(ctx.spill("accounts", shard, 0));
  std::vector<AccountRec> rows;
  while (!holder.at_end()) rows.push_back(AccountRec::read(holder));
  return rows;
}

}  // namespace finseg::ingest
