#include "core/segments/insurance.hpp"

#include "core/segments/user_json.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace finseg {

std::string_view to_string(Frequency f) noexcept {
  static constexpr std::array<std::string_view, 6> kNames = {"MONTHLY",   "QUARTERLY", "HALF_YEARLY",
                                                             "YEARLY",    "IRREGULAR", "UNKNOWN"};
  return kNames[static_cast<std::size_t>(f)];
}

namespace {

// The frequency of a contract from the gaps in days between its consecutive distinct payment
// dates (any order; reordered). Only the median is needed: nth_element, not a sort of every gap
// (the sort was half of payment_frequency's cost in a run).
Frequency frequency_of_gaps(std::vector<Day>& gaps) {
  if (gaps.empty()) return Frequency::UNKNOWN;
  const std::size_t m = gaps.size();
  const auto mid = gaps.begin() + static_cast<std::ptrdiff_t>(m / 2);
  std::nth_element(gaps.begin(), mid, gaps.end());
  // Twice the median keeps a .5 median exact: 40.5 -> 81, outside MONTHLY's 40..80. For an even
  // count the lower middle value is the largest of the half before `mid`.
  const std::int64_t twice = m % 2 == 1 ? 2 * std::int64_t{*mid} : std::int64_t{*std::max_element(gaps.begin(), mid)} + *mid;
  if (twice >= 40 && twice <= 80) return Frequency::MONTHLY;
  if (twice >= 160 && twice <= 200) return Frequency::QUARTERLY;
  if (twice >= 340 && twice <= 400) return Frequency::HALF_YEARLY;
  if (twice >= 680 && twice <= 780) return Frequency::YEARLY;
  return Frequency::IRREGULAR;
}

// payment_frequency into a caller's scratch: a run calls it once per contract, and a fresh vector
// each time was most of its cost (perf: malloc and free under insurance_contracts).
Frequency payment_frequency(std::span<const Day> sorted_dates, std::vector<Day>& gaps) {
  gaps.clear();
  for (std::size_t i = 1; i < sorted_dates.size(); ++i)
    if (sorted_dates[i] != sorted_dates[i - 1]) gaps.push_back(sorted_dates[i] - sorted_dates[i - 1]);
  return frequency_of_gaps(gaps);
}

}  // namespace

Frequency payment_frequency(std::span<const Day> sorted_dates) {
  std::vector<Day> gaps;
  return payment_frequency(sorted_dates, gaps);
}

namespace {
// ' ', and '\t' '\n' '\v' '\f' '\r' (9..13) in one comparison.
constexpr bool is_space(char c) noexcept { return c == ' ' || static_cast<unsigned char>(c - '\t') <= '\r' - '\t'; }
}  // namespace

namespace {

static_assert(std::endian::native == std::endian::little, "in_normal_form reads a name's bytes as little-endian words");
constexpr std::uint64_t kOnes = 0x0101010101010101ull;

// 0x80 in every byte of `x` that is zero, exactly (no borrow into the next byte).
constexpr std::uint64_t zero_bytes(std::uint64_t x) noexcept {
  return ~(((x & (0x7f * kOnes)) + 0x7f * kOnes) | x) & (0x80 * kOnes);
}

// Whether `name` is in normal form already: no white space at either end, no control character
// (every white space but ' ' is one), no two ' ' in a row. Eight bytes at a time: most
// counterpart names are, and then they are appended whole instead of word by word.
bool in_normal_form(std::string_view name) noexcept {
  const std::size_t n = name.size();
  if (n == 0) return true;
  if (name.front() == ' ' || name.back() == ' ') return false;
  std::uint64_t carry = 0;  // the last byte of the previous word was ' '
  for (std::size_t i = 0; i < n; i += 8) {
    std::uint64_t x = 'x' * kOnes;  // the tail's missing bytes: a letter
    std::memcpy(&x, name.data() + i, std::min<std::size_t>(8, n - i));
    const std::uint64_t control = zero_bytes(x & (0xe0 * kOnes));  // bytes below 0x20
    const std::uint64_t space = zero_bytes(x ^ (0x20 * kOnes));
    if (control | (space & ((space << 8) | carry))) return false;
    carry = space >> 56;
  }
  return true;
}

}  // namespace

void append_normalized_provider(std::string& out, std::string_view name) {
  if (in_normal_form(name)) {
    out.append(name);
    return;
  }
  // Word by word, each appended whole (a character at a time was 6 % of a run of every job).
  const std::size_t n = name.size();
  bool any = false;
  for (std::size_t i = 0; i < n;) {
    while (i < n && is_space(name[i])) ++i;
    std::size_t end = i;
    while (end < n && !is_space(name[end])) ++end;
    if (end == i) break;
    if (any) out += ' ';
    out.append(name.data() + i, end - i);
    any = true;
    i = end;
  }
}

std::string normalize_provider(std::string_view name) {
  std::string s;
  append_normalized_provider(s, name);
  return s;
}

int insurance_type_bit(LabelSet labels, LabelSet group_mask, int group_bit) noexcept {
  const LabelSet matched = labels & group_mask;
  if (matched == 0) return -1;
  const LabelSet leaves = matched & ~(LabelSet{1} << group_bit);
  return leaves != 0 ? std::countr_zero(leaves) : group_bit;
}

namespace {

// What insurance_contracts reuses from account to account (a run calls it per account with a
// payment in the window): no allocation once the largest account was seen.
struct ContractScratch {
  struct Contract {
    std::size_t first = 0;  // its first payment; then its first slot in the sorted payments
    std::size_t count = 0;
  };
  std::vector<Contract> contracts;       // in order of first payment
  std::vector<std::uint32_t> contract_of;  // per payment
  std::vector<std::uint32_t> order;        // the contracts in contract order
  std::vector<InsurancePayment> sorted;
  std::vector<Day> gaps;
};

// Names from the dictionary cache of one shard share their bytes: equal pointers are equal
// names without a memcmp (memcmp was 1 % of a run here).
bool same_provider(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && (a.data() == b.data() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

// Contract order (provider, type name), then date, then |amount| ascending: a contract's last
// payment is its latest one, the largest on a tied date. An account holds few contracts and its
// payments come in date order (insuranceSpending finds them so), so the payments are grouped by
// contract in one pass, the few contracts sorted by their names, and each contract's payments
// sorted only when they are not in order already. (std::sort of all payments compared the
// provider names in every comparison: memcmp was 2 % of a run.) Returns the sorted payments:
// `payments` itself for a single contract, else scratch's copy; s.order then holds the contracts
// in contract order, each with its slot (first) and count in the sorted payments.
std::span<const InsurancePayment> sort_payments(std::span<InsurancePayment> payments,
                                                std::span<const std::string> label_names, ContractScratch& s) {
  s.contracts.clear();
  s.contract_of.resize(payments.size());
  std::size_t last = 0;
  for (std::size_t i = 0; i < payments.size(); ++i) {
    const InsurancePayment& p = payments[i];
    const auto same = [&](std::size_t c) {
      const InsurancePayment& q = payments[s.contracts[c].first];
      return q.type_bit == p.type_bit && same_provider(q.provider, p.provider);
    };
    if (s.contracts.empty() || !same(last)) {
      last = 0;
      while (last < s.contracts.size() && !same(last)) ++last;
      if (last == s.contracts.size()) s.contracts.push_back({i, 0});
    }
    ++s.contracts[last].count;
    s.contract_of[i] = static_cast<std::uint32_t>(last);
  }
  const auto by_date = [](const InsurancePayment& a, const InsurancePayment& b) {
    if (a.date != b.date) return a.date < b.date;
    return a.amount > b.amount;
  };
  s.order.resize(s.contracts.size());
  for (std::size_t c = 0; c < s.order.size(); ++c) s.order[c] = static_cast<std::uint32_t>(c);
  if (s.contracts.size() <= 1) {  // the usual account: nothing to deal out
    if (!std::is_sorted(payments.begin(), payments.end(), by_date)) std::sort(payments.begin(), payments.end(), by_date);
    return payments;
  }
  std::sort(s.order.begin(), s.order.end(), [&](std::uint32_t x, std::uint32_t y) {
    const InsurancePayment& a = payments[s.contracts[x].first];
    const InsurancePayment& b = payments[s.contracts[y].first];
    if (a.provider != b.provider) return a.provider < b.provider;
    return label_names[static_cast<std::size_t>(a.type_bit)] < label_names[static_cast<std::size_t>(b.type_bit)];
  });
  // Each contract's slot in the sorted payments, then the payments dealt out in their order.
  std::size_t at = 0;
  for (const std::uint32_t c : s.order) {
    s.contracts[c].first = at;
    at += s.contracts[c].count;
  }
  s.sorted.resize(payments.size());
  for (auto& c : s.contracts) c.count = 0;
  for (std::size_t i = 0; i < payments.size(); ++i) {
    auto& c = s.contracts[s.contract_of[i]];
    s.sorted[c.first + c.count++] = payments[i];
  }
  for (const auto& c : s.contracts) {
    const auto begin = s.sorted.begin() + static_cast<std::ptrdiff_t>(c.first);
    const auto end = begin + static_cast<std::ptrdiff_t>(c.count);
    if (!std::is_sorted(begin, end, by_date)) std::sort(begin, end, by_date);
  }
  return s.sorted;
}

// The contracts of the account's `payments` with a payment on or after `first_day`, appended to
// `out` in contract order. Returns the payments sorted (sort_payments).
std::span<const InsurancePayment> insurance_contracts(std::span<InsurancePayment> payments, Day first_day,
                                                      std::span<const std::string> label_names,
                                                      std::vector<InsuranceContract>& out, ContractScratch& scratch) {
  const std::span<const InsurancePayment> sorted = sort_payments(payments, label_names, scratch);
  std::vector<Day>& gaps = scratch.gaps;
  for (const std::uint32_t k : scratch.order) {
    const std::size_t begin = scratch.contracts[k].first;  // contract 0 starts at payment 0: also unsorted
    const std::size_t end = begin + scratch.contracts[k].count;
    const InsurancePayment& latest = sorted[end - 1];
    if (latest.date < first_day) continue;  // no payment in the window
    InsuranceContract c;
    c.provider = latest.provider;
    c.type_bit = latest.type_bit;
    c.amount = checked_abs(latest.amount, "insurance amount");
    c.last_payment_date = latest.date;
    gaps.clear();  // between consecutive distinct dates, as payment_frequency takes them
    for (std::size_t i = begin; i < end; ++i) {
      if (i > begin && sorted[i].date != sorted[i - 1].date) gaps.push_back(sorted[i].date - sorted[i - 1].date);
      if (sorted[i].date >= first_day) {
        ++c.payments_in_period;
        c.total_in_period = checked_add(c.total_in_period, checked_abs(sorted[i].amount, "insurance amount"),
                                        "totalInPeriod");
      }
    }
    c.frequency = frequency_of_gaps(gaps);
    out.push_back(c);
  }
  return sorted;
}

}  // namespace

void insurance_contracts(std::span<InsurancePayment> payments, Day first_day, std::span<const std::string> label_names,
                         std::vector<InsuranceContract>& out) {
  ContractScratch scratch;
  const std::span<const InsurancePayment> sorted = insurance_contracts(payments, first_day, label_names, out, scratch);
  if (sorted.data() != payments.data()) std::copy(sorted.begin(), sorted.end(), payments.begin());  // sorted in place
}

namespace {

// The indices of the account's insurance payments among its first `end` transactions, into the
// first entries of `kept`; returns how many. A tight pass over two columns (the full loop body
// spilled to the stack on every transaction: 70 % of the kernel in perf annotate). About 4 % of
// transactions carry an INSURANCE label: eight labels are tested at once (one OR, vectorised),
// and only a group with one is looked at transaction by transaction. Inside such a group the test
// is branch-free (every index written, the count advanced when it is a payment): there the two
// data-dependent branches it replaces were ~40 % of the kernel's perf samples. (Branch-free over
// every transaction measured 0.35 against 0.31 ns per transaction: it wins only from ~30 %.)
std::size_t find_payments(const AccountTransactions& txns, std::size_t end, LabelSet group_mask,
                          std::vector<std::size_t>& kept) {
  constexpr std::size_t kGroup = 8;
  if (kept.size() < end + kGroup) kept.resize(end + kGroup);  // only grows: written by index
  std::size_t* const out = kept.data();
  std::size_t n = 0;
  const LabelSet* labels = txns.labels.data();
  const Cents* amounts = txns.amount.data();
  const auto keep = [&](std::size_t k) {
    out[n] = k;
    n += static_cast<std::size_t>(((labels[k] & group_mask) != 0) & (amounts[k] < 0));
  };
  std::size_t i = 0;
  for (; i + kGroup <= end; i += kGroup) {
    LabelSet any = 0;
    for (std::size_t k = 0; k < kGroup; ++k) any |= labels[i + k];
    if ((any & group_mask) == 0) continue;
    for (std::size_t k = i; k < i + kGroup; ++k) keep(k);
  }
  for (; i < end; ++i) keep(i);
  return n;
}

// The normalised provider name of each dictionary id of the shard being scanned (store format
// 2), made at its first payment: a name is normalised once per shard, not once per payment. The
// kernel is called block by block with no state of its own between calls, so the cache lives
// per thread and is keyed by the dictionary's serial (a new shard starts it afresh). Only the
// speed depends on it.
struct ProviderCache {
  static constexpr std::uint32_t kNone = UINT32_MAX;
  std::uint64_t serial = 0;
  std::string text;                  // the names made so far, end to end
  std::vector<std::uint32_t> begin;  // per id: where its name starts in `text`, kNone before
  std::vector<std::uint32_t> end;

  void start(const ShardData& shard) {
    if (serial == shard.counterpart_name_dict_serial) return;
    serial = shard.counterpart_name_dict_serial;
    text.clear();
    begin.assign(shard.counterpart_name_dict.size(), kNone);
    end.resize(begin.size());
  }
  // Makes id's name if it is not made yet (offsets into `text`, which may move meanwhile).
  void make(const ShardData& shard, std::uint32_t id) {
    if (begin[id] != kNone) return;
    if (text.size() >= kNone) throw std::length_error("insuranceSpending: the normalised names exceed 4 GiB");
    begin[id] = static_cast<std::uint32_t>(text.size());
    append_normalized_provider(text, shard.counterpart_name_dict[id]);
    end[id] = static_cast<std::uint32_t>(text.size());
  }
  std::string_view name(std::uint32_t id) const noexcept {
    return std::string_view(text).substr(begin[id], end[id] - begin[id]);
  }
};

// The providers of `payments` (their transactions are `kept` of `txns`): by dictionary id from
// the cache, or each normalised into `providers` from a plain names column.
void name_providers(const ShardData& shard, const AccountTransactions& txns, const std::size_t* kept,
                    std::span<InsurancePayment> payments, std::string& providers,
                    std::vector<std::size_t>& provider_offsets) {
  if (shard.counterpart_names_by_id) {
    thread_local ProviderCache cache;
    cache.start(shard);
    for (std::size_t k = 0; k < payments.size(); ++k) cache.make(shard, shard.counterpart_name_id[txns.first + kept[k]]);
    for (std::size_t k = 0; k < payments.size(); ++k)  // after every make: the text no longer moves
      payments[k].provider = cache.name(shard.counterpart_name_id[txns.first + kept[k]]);
    return;
  }
  providers.clear();
  provider_offsets.assign(1, 0);
  for (std::size_t k = 0; k < payments.size(); ++k) {
    append_normalized_provider(providers, shard.counterpart_name[txns.first + kept[k]]);
    provider_offsets.push_back(providers.size());
  }
  for (std::size_t p = 0; p < payments.size(); ++p)
    payments[p].provider = std::string_view(providers).substr(provider_offsets[p], provider_offsets[p + 1] - provider_offsets[p]);
}

// scan_insurance_spending's buffers, kept per thread from call to call.
struct InsuranceScratch {
  std::vector<int> expected;
  std::string providers;  // normalised names of one account's payments, end to end
  std::vector<std::size_t> provider_offsets;
  std::vector<InsurancePayment> payments;
  std::vector<std::size_t> candidates;  // one account's insurance payments, by index
  std::vector<InsuranceContract> contracts;
  ContractScratch contract;
  std::string tail;
  UserJsonBuilder user;
};

// One contract, written in one piece (JsonRoom).
void append_contract(std::string& json, const InsuranceContract& c, std::span<const std::string> label_names) {
  const std::string_view type = label_names[static_cast<std::size_t>(c.type_bit)];
  const std::string_view frequency = to_string(c.frequency);
  JsonRoom room(json, 140 + max_json_string(c.provider) + max_json_string(type) + frequency.size() + 10 +
                          kMaxJsonUint + 2 * kMaxJsonMoney);
  char* p = write_json_string(write_raw(room.begin(), "{\"provider\":"), c.provider);
  p = write_json_string(write_raw(p, ",\"insuranceType\":"), type);
  p = write_json_money(write_raw(p, ",\"amount\":"), c.amount);
  p = write_raw(write_raw(p, ",\"frequency\":\""), frequency);
  p = write_date(write_raw(p, "\",\"lastPaymentDate\":\""), c.last_payment_date);
  p = write_json_uint(write_raw(p, "\",\"paymentsInPeriod\":"), c.payments_in_period);
  p = write_json_money(write_raw(p, ",\"totalInPeriod\":"), c.total_in_period);
  *p++ = '}';
  room.commit(p);
}

}  // namespace

void scan_insurance_spending(const JobSpec& job, const Taxonomy& taxonomy, const ShardData& shard, UserRange users,
                             SegmentPartial& out) {
  const MonthWindow window = window_before(job.creation_date, effective_duration(job.request));
  const std::span<const std::string> names = taxonomy.names();
  const auto group = taxonomy.group_index("INSURANCE");
  const LabelSet group_mask = group ? taxonomy.group_mask(*group) : 0;
  const int group_bit = group ? taxonomy.group_bit(*group) : 0;

  // Kept from block to block (the kernel runs per block of a few users): no allocation once the
  // largest account and user were seen, instead of ~20 per block.
  thread_local InsuranceScratch s;
  std::vector<int>& expected = s.expected;  // bits in table order, distinct
  if (job.request.expected_insurance_types) {
    expected = *job.request.expected_insurance_types;
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  } else {
    expected.clear();
  }

  std::string& providers = s.providers;
  std::vector<std::size_t>& provider_offsets = s.provider_offsets;
  std::vector<InsurancePayment>& payments = s.payments;
  std::vector<std::size_t>& candidates = s.candidates;
  std::vector<InsuranceContract>& contracts = s.contracts;
  ContractScratch& scratch = s.contract;
  std::string& tail = s.tail;
  UserJsonBuilder& user = s.user;
  for (std::size_t u = users.begin; u < users.end; ++u) {
    user.begin(shard.user_id[u], "accounts");
    LabelSet reported_types = 0;
    std::size_t reported = 0;
    const auto a_end = static_cast<std::size_t>(shard.user_account_offsets[u + 1]);
    for (auto a = static_cast<std::size_t>(shard.user_account_offsets[u]); a < a_end; ++a) {
      const AccountTransactions txns = account_transactions(shard, a);
      out.transactions_scanned += txns.size();
      if (group_mask == 0) continue;
      payments.clear();
      const std::size_t found =
          find_payments(txns, first_after(txns.booking_date, window.last_day), group_mask, candidates);
      const std::size_t* kept = candidates.data();
      // Dates ascend: the last payment tells whether any is in the window (else no name is read).
      if (found == 0 || txns.booking_date[kept[found - 1]] < window.first_day) continue;
      for (std::size_t k = 0; k < found; ++k) {
        const std::size_t i = kept[k];
        const int type_bit = insurance_type_bit(txns.labels[i], group_mask, group_bit);
        payments.push_back({txns.booking_date[i], txns.amount[i], type_bit, {}});
      }
      name_providers(shard, txns, kept, payments, providers, provider_offsets);
      contracts.clear();
      insurance_contracts(payments, window.first_day, names, contracts, scratch);
      std::string& json = user.next_entry();
      {
        const std::string_view id = shard.account_id[a];
        JsonRoom room(json, 32 + max_json_string(id));
        room.commit(write_raw(write_json_string(write_raw(room.begin(), "{\"accountId\":"), id), ",\"insurances\":["));
      }
      for (std::size_t c = 0; c < contracts.size(); ++c) {
        if (c != 0) json += ',';
        append_contract(json, contracts[c], names);
        reported_types |= LabelSet{1} << contracts[c].type_bit;
      }
      json += "]}";
      reported += contracts.size();
    }
    tail.clear();
    if (job.request.expected_insurance_types) {
      tail += ",\"missingInsuranceTypes\":[";
      bool first = true;
      for (const int bit : expected) {
        if (reported_types & (LabelSet{1} << bit)) continue;
        if (!first) tail += ',';
        first = false;
        append_json_string(tail, names[static_cast<std::size_t>(bit)]);
      }
      tail += ']';
    }
    user.finish(out, tail, reported);
  }
}

}  // namespace finseg
