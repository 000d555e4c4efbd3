// Compilation: every pattern of every rule goes into the RE2::Set of the field it looks at (a
// `text` pattern into both the purpose and the counterpartName set). A Set entry knows its rule
// and which of the rule's conditions it satisfies; a rule matches when all its conditions are.
//
// Matching: one Set::Match per field (RE2 runs one DFA over the text for all patterns of the
// set), then the hits are folded into per-rule condition masks in a per-thread scratch that is
// reset by the list of rules touched, so a transaction costs no allocation beyond RE2's own.
#include "label/labeller.hpp"

#include "core/errors.hpp"
#include "label/rule_file.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>

namespace finseg {

namespace {

// The texts matched by a Set: purpose, counterpartName, counterpartIban (RuleField 0..2).
constexpr std::size_t kMatchedFields = 3;

struct Condition {
  std::uint32_t rule;
  std::uint8_t bit;  // 1 << RuleField
};

struct Scratch {
  std::vector<int> hits;
  std::vector<std::uint8_t> satisfied;  // by rule
  std::vector<std::uint32_t> touched;   // rules with satisfied != 0
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

bool sign_allows(AmountSign sign, Cents amount) noexcept {
  switch (sign) {
    case AmountSign::any: return true;
    case AmountSign::incoming: return amount > 0;
    case AmountSign::outgoing: return amount < 0;
  }
  return false;
}

}  // namespace

struct Labeller::Impl {
  struct FieldMatcher {
    std::unique_ptr<RE2::Set> set;  // null when no rule looks at the field
    std::vector<Condition> conditions;  // by Set index
  };

  std::vector<LabelRule> rules;
  std::vector<std::uint8_t> required;  // by rule: the conditions that must all hold
  std::vector<LabelSet> labels;        // by rule
  std::array<FieldMatcher, kMatchedFields> fields;

  // Runs the Sets over the text and leaves in s.touched the rules whose conditions all hold
  // (amount sign included); s.satisfied is reset.
  void match(const TransactionText& txn, Scratch& s) const {
    if (s.satisfied.size() < rules.size()) s.satisfied.resize(rules.size(), 0);
    s.touched.clear();
    const std::array<std::string_view, kMatchedFields> texts = {txn.purpose, txn.counterpart_name, txn.counterpart_iban};
    for (std::size_t f = 0; f < kMatchedFields; ++f) {
      const FieldMatcher& m = fields[f];
      if (!m.set) continue;
      RE2::Set::ErrorInfo error{};
      if (!m.set->Match(re2::StringPiece(texts[f].data(), texts[f].size()), &s.hits, &error)) {
        if (error.kind == RE2::Set::kNoError) continue;  // no pattern matched
        throw Error(ExitCode::internal, "labeller: RE2::Set match failed (error " + std::to_string(error.kind) + ")");
      }
      for (const int h : s.hits) {
        const Condition& c = m.conditions[static_cast<std::size_t>(h)];
        if (s.satisfied[c.rule] == 0) s.touched.push_back(c.rule);
        s.satisfied[c.rule] = static_cast<std::uint8_t>(s.satisfied[c.rule] | c.bit);
      }
    }
    std::size_t kept = 0;
    for (const std::uint32_t r : s.touched) {
      if (s.satisfied[r] == required[r] && sign_allows(rules[r].amount, txn.amount)) s.touched[kept++] = r;
      s.satisfied[r] = 0;
    }
    s.touched.resize(kept);
  }
};

Labeller::Labeller(std::vector<LabelRule> rules, const Taxonomy& taxonomy) : impl_(std::make_unique<Impl>()) {
  Impl& im = *impl_;
  if (rules.size() > UINT32_MAX / 2) throw InputError("label rules: too many rules");
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_case_sensitive(true);  // per pattern: "(?i)" unless the rule says caseSensitive
  options.set_never_capture(true);
  options.set_log_errors(false);
  options.set_max_mem(std::int64_t{256} << 20);  // the DFA of all patterns of a field; bounded by use
  for (auto& m : im.fields) m.set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);

  im.required.resize(rules.size(), 0);
  im.labels.resize(rules.size(), 0);
  for (std::size_t r = 0; r < rules.size(); ++r) {
    const LabelRule& rule = rules[r];
    const std::string where = "label rule '" + rule.name + "'";
    for (const std::string& name : rule.labels) {
      const auto bit = taxonomy.bit_of(name);
      if (!bit) throw InputError(where + ": unknown label '" + name + "' (not in the taxonomy)");
      im.labels[r] |= LabelSet{1} << *bit;
    }
    for (std::size_t f = 0; f < kRuleFields; ++f) {
      if (!rule.patterns[f]) continue;
      const auto bit = static_cast<std::uint8_t>(1u << f);
      im.required[r] = static_cast<std::uint8_t>(im.required[r] | bit);
      const std::string pattern = (rule.case_sensitive ? "" : "(?i)") + *rule.patterns[f];
      const bool text = f == static_cast<std::size_t>(RuleField::text);
      for (std::size_t target = 0; target < kMatchedFields; ++target) {
        if (text ? target == static_cast<std::size_t>(RuleField::counterpart_iban) : target != f) continue;
        std::string error;
        const int index = im.fields[target].set->Add(pattern, &error);
        if (index < 0)
          throw InputError(where + ": " + std::string(kRuleFieldNames[f]) + " pattern '" + *rule.patterns[f] + "': " + error);
        im.fields[target].conditions.push_back({static_cast<std::uint32_t>(r), bit});
      }
    }
  }
  for (auto& m : im.fields) {
    if (m.conditions.empty()) m.set.reset();
    else if (!m.set->Compile()) throw InputError("label rules: the patterns do not fit into RE2's memory budget");
  }
  im.rules = std::move(rules);
}

Labeller::~Labeller() = default;
Labeller::Labeller(Labeller&&) noexcept = default;
Labeller& Labeller::operator=(Labeller&&) noexcept = default;

const std::vector<LabelRule>& Labeller::rules() const noexcept { return impl_->rules; }

LabelSet Labeller::label(const TransactionText& txn) const { return decide(txn).labels; }

Labeller::Decision Labeller::decide(const TransactionText& txn) const {
  Scratch& s = scratch();
  impl_->match(txn, s);
  int best = INT_MIN;
  LabelSet result = 0;
  for (const std::uint32_t r : s.touched) {
    const int priority = impl_->rules[r].priority;
    if (priority > best) {
      best = priority;
      result = impl_->labels[r];
    } else if (priority == best) {
      result |= impl_->labels[r];
    }
  }
  if (s.touched.empty()) return {};
  return {result, true, best};
}

std::vector<std::size_t> Labeller::matching_rules(const TransactionText& txn) const {
  Scratch& s = scratch();
  impl_->match(txn, s);
  std::vector<std::size_t> out(s.touched.begin(), s.touched.end());
  std::sort(out.begin(), out.end());
  return out;
}

Labeller load_labeller(const std::filesystem::path& rules_file, const Taxonomy& taxonomy) {
  std::vector<LabelRule> rules = load_label_rules(rules_file);
  try {
    return Labeller(std::move(rules), taxonomy);
  } catch (const InputError& e) {
    throw InputError(rules_file.string() + ": " + e.what());
  }
}

}  // namespace finseg
