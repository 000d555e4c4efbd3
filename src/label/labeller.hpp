// The rule-based labeller (SEGMENTS.md 1.2: rows imported with an empty `labels` cell get their
// labels from it). The rules are data (config/label-rules.json, docs/labeller.md); a Labeller
// compiles them once into one RE2::Set per text field, so labelling a transaction is one Set
// pass over each of purpose, counterpartName and counterpartIban, whatever the number of rules.
#pragma once

#include "core/money.hpp"
#include "core/taxonomy.hpp"
#include "label/label_rule.hpp"

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

namespace finseg {

// What the labeller looks at: the text of a transaction and the sign of its amount.
struct TransactionText {
  std::string_view purpose;
  std::string_view counterpart_name;
  std::string_view counterpart_iban;
  Cents amount = 0;
};

class Labeller {
 public:
  // Compiles the rules. Throws InputError naming the rule when one of its labels is not in the
  // taxonomy or one of its patterns is not a valid RE2 expression.
  Labeller(std::vector<LabelRule> rules, const Taxonomy& taxonomy);
  ~Labeller();
  Labeller(Labeller&&) noexcept;
  Labeller& operator=(Labeller&&) noexcept;
  Labeller(const Labeller&) = delete;
  Labeller& operator=(const Labeller&) = delete;

  // The labels of a transaction: of the rules that match, those with the highest priority
  // contribute their labels (united). No matching rule: the empty set. Thread-safe.
  LabelSet label(const TransactionText& txn) const;

  // label() with what decided it: whether any rule matched and the priority that won. The learned
  // labeller lets explicit rules win and asks its memory before the low-priority fallbacks.
  struct Decision {
    LabelSet labels = 0;
    bool matched = false;
    int priority = 0;
  };
  Decision decide(const TransactionText& txn) const;

  // Indices (into rules()) of every rule that matches, before priorities are applied, ascending.
  // For diagnostics and tests.
  std::vector<std::size_t> matching_rules(const TransactionText& txn) const;

  const std::vector<LabelRule>& rules() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// load_label_rules + Labeller, with the file named in every error.
Labeller load_labeller(const std::filesystem::path& rules_file, const Taxonomy& taxonomy);

}  // namespace finseg
