#include "label/learned_counts.hpp"

#include "core/errors.hpp"
#include "label/text_fold.hpp"

#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace finseg {

void LabelVotes::add(LabelSet set, std::uint64_t n) {
  const auto it = std::lower_bound(counts.begin(), counts.end(), set, [](const auto& e, LabelSet s) { return e.first < s; });
  if (it != counts.end() && it->first == set) it->second += n;
  else counts.insert(it, {set, n});
}

void LabelVotes::combine(const LabelVotes& other) {
  for (const auto& [set, n] : other.counts) add(set, n);
  unlabelled += other.unlabelled;
}

std::uint64_t LabelVotes::total() const noexcept {
  std::uint64_t n = 0;
  for (const auto& e : counts) n += e.second;
  return n;
}

std::pair<LabelSet, std::uint64_t> LabelVotes::majority() const noexcept {
  std::pair<LabelSet, std::uint64_t> best{0, 0};
  for (const auto& e : counts)
    if (e.second > best.second) best = e;  // ascending sets: a tie keeps the smaller set
  return best;
}

std::optional<LabelSet> LabelVotes::verdict(double labelling_rate, std::uint64_t min_support, double min_agreement) const noexcept {
  const std::uint64_t labelled = total();
  if (labelled == 0 || labelling_rate <= 0.0) return std::nullopt;
  // Of the key's empty cells, those beyond what the bank's labelling rate leaves empty by chance
  // are rows the bank leaves unlabelled on purpose: the empty set competes as one more set. "By
  // chance" allows two standard deviations of the binomial count of empty cells: with a few rows,
  // a merchant labelled at 70 % shows 4 empty cells of 8 often enough (the expectation alone
  // counted 2.4 of them as deliberate, and 4 SHOPPING votes of 6.4 missed the 80 % agreement).
  const double rows = static_cast<double>(labelled + unlabelled);
  const double by_chance = static_cast<double>(labelled) * (1.0 - labelling_rate) / labelling_rate +
                           2.0 * std::sqrt(rows * labelling_rate * (1.0 - labelling_rate));
  const double deliberate = std::max(0.0, static_cast<double>(unlabelled) - by_chance);
  const auto [set, n] = majority();
  const double all = static_cast<double>(labelled) + deliberate;
  if (deliberate > static_cast<double>(n)) return deliberate >= min_agreement * all ? std::optional<LabelSet>(0) : std::nullopt;
  if (labelled < min_support || static_cast<double>(n) < min_agreement * all) return std::nullopt;
  return set;
}

namespace {

// Key kinds, salted into the hash with the direction of the payment.
enum class KeyKind : std::uint64_t { mandate = 1, creditor = 2, iban = 3, name = 4 };

std::uint64_t key_of(KeyKind kind, bool incoming, std::string_view text) {
  const std::uint64_t h = text_hash(text, static_cast<std::uint64_t>(kind) * 2 + (incoming ? 1 : 0));
  return h == 0 ? 1 : h;  // 0 means "no key"
}

void compact_iban(std::string_view iban, std::string& out) {
  out.clear();
  for (const char c : iban)
    if (c != ' ') out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
}

// The keys of a transaction, most specific first; empty texts give no key (0). The name is a key
// only for a row without a counterpart IBAN (card payments): a name alone does not identify a
// person ("Hannah Becker" is a friend on one account, the customer's own depot on another). The
// merchant a payment intermediary names comes before the IBAN: PayPal's one IBAN is shared by
// every merchant paid through it, so its votes are mixed (FlixTrain's tickets, ABOUT YOU's
// clothes) and the merchant's are not. It is the merchant's name key, so its card payments and
// its PayPal payments teach each other.
std::array<std::uint64_t, 5> keys_of(const TransactionText& txn) {
  const bool in = txn.amount > 0;
  const SepaIds ids = sepa_ids(txn.purpose);
  thread_local std::string iban, name, merchant;  // per-row scratch: no allocation
  compact_iban(txn.counterpart_iban, iban);
  if (iban.empty()) counterparty_key(txn.counterpart_name, name);
  else name.clear();
  // An intermediary's payment carries its IBAN; card payments (most rows) skip the search.
  const std::size_t at = iban.empty() ? std::string_view::npos : merchant_named_at(txn.purpose);
  if (at != std::string_view::npos) counterparty_key(txn.purpose.substr(at), merchant);
  else merchant.clear();
  const std::uint64_t merchant_key = merchant.empty() ? 0 : key_of(KeyKind::name, in, merchant);
  const std::uint64_t name_key = name.empty() ? 0 : key_of(KeyKind::name, in, name);
  return {ids.mandate.empty() ? 0 : key_of(KeyKind::mandate, in, ids.creditor_id + "/" + ids.mandate),
          ids.creditor_id.empty() ? 0 : key_of(KeyKind::creditor, in, ids.creditor_id), merchant_key,
          iban.empty() ? 0 : key_of(KeyKind::iban, in, iban),
          name_key == merchant_key ? 0 : name_key};  // one vote per row and key
}

template <class T>
std::string to_bytes(const T& value) {
  std::ostringstream os(std::ios::binary);
  {
    cereal::BinaryOutputArchive ar(os);
    ar(value);
  }
  return std::move(os).str();
}

template <class T>
T from_bytes(const std::string& bytes, const char* what) {
  T value{};
  try {
    std::istringstream is(bytes, std::ios::binary);
    cereal::BinaryInputArchive ar(is);
    ar(value);
  } catch (const std::exception& e) {
    throw InputError(std::string("learned labeller state (") + what + "): truncated or corrupt: " + e.what());
  }
  return value;
}

using VotesWire = std::pair<std::uint64_t, std::vector<std::pair<LabelSet, std::uint64_t>>>;
using MemoryWire = std::vector<std::pair<std::uint64_t, VotesWire>>;
using ExampleWire = std::pair<std::pair<std::string, std::string>, std::pair<bool, VotesWire>>;
using SampleWire = std::pair<std::uint64_t, std::vector<std::pair<std::uint64_t, ExampleWire>>>;

}  // namespace

LabelVotes* CounterpartyMemory::slot(std::uint64_t key) {
  // One probe for a key already held (most rows); a new key is placed, then kept or taken back.
  const auto [it, added] = votes_.try_emplace(key);
  if (!added) return &it->second;
  auto& bucket = buckets_[static_cast<std::uint32_t>(key >> (64 - bucket_bits_))];  // zero-filled when new
  // Keys are hashes and never 0 (keys_of uses 0 for "no key"), so 0 marks a free place.
  const auto used = static_cast<std::size_t>(std::find(bucket.begin(), bucket.end(), std::uint64_t{0}) - bucket.begin());
  if (used == kBucketKeys) {
    if (key > bucket.back()) {  // the bucket keeps smaller keys
      votes_.erase(it);
      return nullptr;
    }
    votes_.erase(bucket.back());  // erasing another element leaves `it` valid
    bucket.back() = 0;
  }
  // Insert in ascending order among the used places.
  std::size_t at = std::min(used, kBucketKeys - 1);
  while (at > 0 && (bucket[at - 1] == 0 || bucket[at - 1] > key)) {
    bucket[at] = bucket[at - 1];
    --at;
  }
  bucket[at] = key;
  return &it->second;
}

void CounterpartyMemory::observe(const TransactionText& txn, LabelSet labels) {
  for (const std::uint64_t key : keys_of(txn))
    if (key != 0)
      if (LabelVotes* v = slot(key)) v->add(labels);
}

void CounterpartyMemory::observe_unlabelled(const TransactionText& txn) {
  for (const std::uint64_t key : keys_of(txn))
    if (key != 0)
      if (LabelVotes* v = slot(key)) ++v->unlabelled;
}

double CounterpartyMemory::labelling_rate() const noexcept {
  std::uint64_t labelled = 0, all = 0;  // integer sums: the same whatever the table's order
  for (const auto& [key, votes] : votes_) {
    const std::uint64_t n = votes.total();
    if (n == 0) continue;
    labelled += n;
    all += n + votes.unlabelled;
  }
  return all == 0 ? 0.0 : static_cast<double>(labelled) / static_cast<double>(all);
}

void CounterpartyMemory::combine(const CounterpartyMemory& other) {
  if (other.bucket_bits_ != bucket_bits_)
    throw Error(ExitCode::internal, "counterparty memory: merging tables of different sizes");
  for (const auto& [key, votes] : other.votes_)
    if (LabelVotes* v = slot(key)) v->combine(votes);
}

std::optional<LabelSet> CounterpartyMemory::recall(const TransactionText& txn, const MemoryThresholds& t, double labelling_rate) const {
  if (votes_.empty()) return std::nullopt;
  for (const std::uint64_t key : keys_of(txn)) {
    if (key == 0) continue;
    const auto it = votes_.find(key);
    if (it == votes_.end()) continue;
    if (const auto set = it->second.verdict(labelling_rate, t.min_support, t.min_agreement)) return set;
  }
  return std::nullopt;
}

std::string CounterpartyMemory::serialize() const {
  MemoryWire wire;
  wire.reserve(votes_.size());
  for (const auto& [key, votes] : votes_) wire.emplace_back(key, VotesWire{votes.unlabelled, votes.counts});
  std::sort(wire.begin(), wire.end());  // the bytes do not depend on the hash table's order
  return to_bytes(std::make_pair(bucket_bits_, wire));
}

CounterpartyMemory CounterpartyMemory::deserialize(const std::string& bytes) {
  auto [bits, wire] = from_bytes<std::pair<int, MemoryWire>>(bytes, "counterparty memory");
  if (bits < 1 || bits > 32) throw InputError("learned labeller state (counterparty memory): bad table size " + std::to_string(bits));
  CounterpartyMemory m(bits);
  for (auto& [key, votes] : wire) {
    if (key == 0) throw InputError("learned labeller state (counterparty memory): a zero key");
    if (LabelVotes* v = m.slot(key)) *v = LabelVotes{std::move(votes.second), votes.first};
  }
  return m;
}

void TextSample::observe(const TransactionText& txn, LabelSet labels) { add(txn, labels); }
void TextSample::observe_unlabelled(const TransactionText& txn) { add(txn, std::nullopt); }

void TextSample::add(const TransactionText& txn, std::optional<LabelSet> labels) {
  thread_local std::string name, purpose;  // per-row scratch: strings are built only for a new text
  classifier_text(txn.counterpart_name, name);
  classifier_text(txn.purpose, purpose);
  const bool incoming = txn.amount > 0;
  const std::uint64_t hash = text_hash(purpose, text_hash(name, incoming ? 1 : 2));
  if (const auto it = examples_.find(hash); it != examples_.end()) {
    if (labels) it->second.votes.add(*labels);
    else ++it->second.votes.unlabelled;
    return;
  }
  if (examples_.size() >= capacity_ && hash > *order_.rbegin()) return;  // not among the smallest k
  TextExample e{name, purpose, incoming, {}};
  if (labels) e.votes.add(*labels);
  else e.votes.unlabelled = 1;
  insert(hash, std::move(e));
}

void TextSample::insert(std::uint64_t hash, TextExample&& example) {
  const auto [it, added] = examples_.try_emplace(hash, std::move(example));
  if (!added) {
    it->second.votes.combine(example.votes);
    return;
  }
  order_.insert(hash);
  while (examples_.size() > capacity_) {
    const auto largest = std::prev(order_.end());
    examples_.erase(*largest);
    order_.erase(largest);
  }
}

void TextSample::combine(const TextSample& other) {
  for (const std::uint64_t hash : other.order_) {
    if (examples_.size() >= capacity_ && hash > *order_.rbegin()) break;  // ascending: no more fits
    TextExample copy = other.examples_.at(hash);
    insert(hash, std::move(copy));
  }
}

std::vector<std::pair<std::uint64_t, const TextExample*>> TextSample::in_order() const {
  std::vector<std::pair<std::uint64_t, const TextExample*>> out;
  out.reserve(order_.size());
  for (const std::uint64_t hash : order_) out.emplace_back(hash, &examples_.at(hash));
  return out;
}

std::string TextSample::serialize() const {
  SampleWire wire{capacity_, {}};
  for (const auto& [hash, e] : in_order())
    wire.second.push_back({hash, {{e->name, e->purpose}, {e->incoming, VotesWire{e->votes.unlabelled, e->votes.counts}}}});
  return to_bytes(wire);
}

TextSample TextSample::deserialize(const std::string& bytes) {
  auto wire = from_bytes<SampleWire>(bytes, "text sample");
  TextSample s(static_cast<std::size_t>(wire.first));
  for (auto& [hash, e] : wire.second)
    s.insert(hash, TextExample{std::move(e.first.first), std::move(e.first.second), e.second.first,
                               LabelVotes{std::move(e.second.second.second), e.second.second.first}});
  return s;
}

std::string LearnedCounts::serialize() const {
  return to_bytes(std::make_pair(std::make_pair(rows, unlabelled_rows), std::make_pair(memory.serialize(), sample.serialize())));
}

LearnedCounts LearnedCounts::deserialize(const std::string& bytes) {
  const auto wire =
      from_bytes<std::pair<std::pair<std::uint64_t, std::uint64_t>, std::pair<std::string, std::string>>>(bytes, "learned counts");
  LearnedCounts c;
  c.rows = wire.first.first;
  c.unlabelled_rows = wire.first.second;
  c.memory = CounterpartyMemory::deserialize(wire.second.first);
  c.sample = TextSample::deserialize(wire.second.second);
  return c;
}

}  // namespace finseg
