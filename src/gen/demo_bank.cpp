#include "gen/demo_bank.hpp"

#include "gen/user_sim.hpp"

#include <algorithm>
#include <cstdio>

namespace finseg {

std::string demo_user_id(std::int64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "u%07lld", static_cast<long long>(index));
  return buf;
}

std::pair<std::int64_t, std::int64_t> demo_shard_users(const DemoBankParams& p, int shard) {
  const auto k = static_cast<std::int64_t>(shard);
  return {p.users * k / p.shards, p.users * (k + 1) / p.shards};
}

namespace gen {

namespace {
struct SlotInfo {
  std::string_view suffix;
  AccountType type;
};
constexpr SlotInfo kSlotInfo[kSlots] = {
    {"-chk", AccountType::checking}, {"-sav", AccountType::savings}, {"-cc", AccountType::creditCard},
    {"-dep", AccountType::security}, {"-loan", AccountType::loan},   {"-pkt", AccountType::pocket},
    {"-mem", AccountType::membership}, {"-bsp", AccountType::bausparen}};

// Accounts of a user sorted by accountId in byte order: all ids share the user prefix, so the
// suffixes decide ("-bsp" < "-cc" < "-chk" < ...).
std::array<Slot, kSlots> slots_in_id_order() {
  std::array<Slot, kSlots> order{};
  for (int s = 0; s < kSlots; ++s) order[static_cast<std::size_t>(s)] = static_cast<Slot>(s);
  std::sort(order.begin(), order.end(), [](Slot a, Slot b) { return kSlotInfo[a].suffix < kSlotInfo[b].suffix; });
  return order;
}
}  // namespace

void UserSimulator::append_to(ShardData& shard) {
  static const std::array<Slot, kSlots> order = slots_in_id_order();
  shard.add_user(user_id_);
  for (const Slot s : order) {
    const AccountState& a = acc_[static_cast<std::size_t>(s)];
    if (!a.active) continue;
    account_id_.assign(user_id_).append(kSlotInfo[s].suffix);
    shard.add_account(account_id_, kSlotInfo[s].type, a.currency, a.opening + a.sum, a.balance_date);
    for (std::size_t i = 0; i < a.events.size(); ++i) {
      const Event& e = a.events[i];
      char seq[24];
      const int n = std::snprintf(seq, sizeof seq, "-%05zu", i + 1);
      txn_id_.assign(account_id_).append(seq, static_cast<std::size_t>(n));
      shard.add_transaction(txn_id_, e.day, e.amount, e.labels, text_.view(e.name), text_.view(e.iban), text_.view(e.purpose));
    }
  }
}

}  // namespace gen

ShardData generate_demo_shard(const DemoBankParams& p, int shard, const Taxonomy& taxonomy) {
  ShardData d;
  const auto [first, last] = demo_shard_users(p, shard);
  const auto users = static_cast<std::size_t>(std::max<std::int64_t>(0, last - first));
  const std::size_t txns = users * static_cast<std::size_t>(std::max(p.months, 1)) * 44;
  d.user_id.reserve(users, users * 8);
  d.account_id.reserve(users * 2, users * 24);
  d.transaction_id.reserve(txns, txns * 20);
  d.booking_date.reserve(txns);
  d.amount.reserve(txns);
  d.labels.reserve(txns);
  d.counterpart_name.reserve(txns, txns * 16);
  d.counterpart_iban.reserve(txns, txns * 16);
  d.purpose.reserve(txns, txns * 36);
  gen::UserSimulator sim(p, taxonomy);
  for (auto i = first; i < last; ++i) {
    sim.generate(i);
    sim.append_to(d);
  }
  return d;
}

}  // namespace finseg
