// What the learned labeller learns from the rows a bank labelled itself, as plain count states
// with one merge path (`combine`, CONVENTIONS.md 3): ranks that each read part of an import fold
// their rows into their own state, and the states merge exactly — the same counts, the same
// sample, whatever the number of ranks and the order of the merges.
#pragma once

#include "core/taxonomy.hpp"
#include "label/labeller.hpp"
#include "label/text_fold.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace finseg {

// How often each label set was given to rows of one key.
struct LabelVotes {
  std::vector<std::pair<LabelSet, std::uint64_t>> counts;  // by set, ascending (merge order does not matter)
  std::uint64_t unlabelled = 0;  // rows of the key whose labels cell was empty

  void add(LabelSet set, std::uint64_t n = 1);
  void combine(const LabelVotes& other);
  std::uint64_t total() const noexcept;
  // The most frequent set (ties: the smaller LabelSet value, so the choice is deterministic).
  std::pair<LabelSet, std::uint64_t> majority() const noexcept;
  // The bank's verdict on the key, given the bank's labelling rate (CounterpartyMemory::labelling_rate): nothing when
  // no row of the key is labelled. The key's empty cells beyond those that rate leaves
  // empty by chance count as votes for the empty set (rows the bank leaves unlabelled on purpose:
  // fuel, cash, private transfers). The winning set is the verdict when it has `min_support`
  // labelled rows (not needed for the empty set) and `min_agreement` of all the votes.
  std::optional<LabelSet> verdict(double labelling_rate, std::uint64_t min_support, double min_agreement) const noexcept;
  bool operator==(const LabelVotes&) const = default;
};

// When a key's majority is trusted: at least `min_support` labelled rows, of which at least
// `min_agreement` carry the majority set. docs/labeller.md explains the defaults.
struct MemoryThresholds {
  // One label is enough: at a labelling rate of 0.7 many counterparties have a single labelled
  // row, and the bank's own label for that counterparty beats what the rules and the shipped
  // classifier guess from a name they have never seen (chosen on the training vocabulary as a
  // bank, docs/labeller.md "Why 70 % labelled added nothing"); agreement still applies.
  std::uint64_t min_support = 1;
  double min_agreement = 0.8;
};

// The counterparty memory: label-set votes per counterparty key — the SEPA mandate reference,
// the creditor id, the counterpart IBAN and the normalised counterpart name, each with the
// direction of the payment (a retailer is also an employer: "Rewe Markt GmbH" in and out).
//
// Bounded whatever the bank's size: a key's hash picks one of 2^bucket_bits buckets, and a bucket
// keeps the kBucketKeys keys with the smallest hashes of all keys that fall into it (a bottom-k per
// bucket). So at most 2^bucket_bits * kBucketKeys keys are held (default 2^18 * 4 = 1,048,576),
// every key held has the exact counts of all its rows, and which keys are held depends only on
// the set of keys — not on the order of the rows or the number of ranks — so merging stays exact.
// Far below the capacity a bucket almost never overflows (50,000 keys: mean 0.2 per bucket).
class CounterpartyMemory {
 public:
  static constexpr std::size_t kBucketKeys = 4;
  static constexpr int kDefaultBucketBits = 18;
  CounterpartyMemory() : CounterpartyMemory(kDefaultBucketBits) {}
  explicit CounterpartyMemory(int bucket_bits) : bucket_bits_(bucket_bits) {}

  void observe(const TransactionText& txn, LabelSet labels);
  void observe_unlabelled(const TransactionText& txn);
  void combine(const CounterpartyMemory& other);
  // The majority set of the most specific key that passes the thresholds (mandate, creditor,
  // the merchant a payment intermediary names, IBAN, name), or nothing.
  std::optional<LabelSet> recall(const TransactionText& txn, const MemoryThresholds& t, double labelling_rate) const;
  std::size_t keys() const noexcept { return votes_.size(); }
  std::size_t capacity() const noexcept { return (std::size_t{1} << bucket_bits_) * kBucketKeys; }
  // The rate at which the bank labels the counterparties it labels at all: over the keys with a
  // labelled row, labelled rows / all rows (0 when nothing is labelled). About 1 for a bank that
  // labels everything it can (its empty cells are deliberate), about 0.7 for one that leaves 30 %
  // of the cells empty at random.
  double labelling_rate() const noexcept;

  std::string serialize() const;
  static CounterpartyMemory deserialize(const std::string& bytes);
  bool operator==(const CounterpartyMemory& o) const { return bucket_bits_ == o.bucket_bits_ && votes_ == o.votes_; }

 private:
  // The votes of `key`, or null when its bucket keeps smaller keys (evicting the largest of a
  // full bucket when `key` is smaller).
  LabelVotes* slot(std::uint64_t key);
  int bucket_bits_;
  std::unordered_map<std::uint64_t, LabelVotes> votes_;
  std::unordered_map<std::uint32_t, std::array<std::uint64_t, kBucketKeys>> buckets_;  // ascending, 0 = free
};

// One training text of the classifier: folded name and purpose without numbers, the direction,
// and the votes of every labelled row that folded to the same text.
struct TextExample {
  std::string name;
  std::string purpose;
  bool incoming = false;
  LabelVotes votes;
  bool operator==(const TextExample&) const = default;
};

// A bounded, mergeable sample of distinct training texts: the `capacity` texts with the smallest
// hashes (a bottom-k sketch). The bottom k of a union is the bottom k of the parts' bottom k, so
// merging ranks' samples gives exactly the sample of a serial pass, with memory bounded by k.
class TextSample {
 public:
  explicit TextSample(std::size_t capacity = 50000) : capacity_(capacity) {}
  void observe(const TransactionText& txn, LabelSet labels);
  void observe_unlabelled(const TransactionText& txn);
  void combine(const TextSample& other);
  std::size_t size() const noexcept { return examples_.size(); }
  // The texts in ascending hash order (the order training reads them in: deterministic).
  std::vector<std::pair<std::uint64_t, const TextExample*>> in_order() const;

  std::string serialize() const;
  static TextSample deserialize(const std::string& bytes);
  bool operator==(const TextSample&) const = default;

 private:
  void add(const TransactionText& txn, std::optional<LabelSet> labels);
  void insert(std::uint64_t hash, TextExample&& example);
  std::size_t capacity_;
  // By hash for the per-row lookup (a std::map's walk was a tenth of an import's learning CPU), and
  // the hashes in order for the bottom-k's largest and for in_order().
  std::unordered_map<std::uint64_t, TextExample> examples_;
  std::set<std::uint64_t> order_;
};

// Everything learned from one import: one state, one combine.
struct LearnedCounts {
  CounterpartyMemory memory;
  TextSample sample;
  std::uint64_t rows = 0;             // labelled rows
  std::uint64_t unlabelled_rows = 0;  // rows with an empty labels cell

  void observe(const TransactionText& txn, LabelSet labels) {
    memory.observe(txn, labels);
    sample.observe(txn, labels);
    ++rows;
  }
  void observe_unlabelled(const TransactionText& txn) {
    memory.observe_unlabelled(txn);
    sample.observe_unlabelled(txn);
    ++unlabelled_rows;
  }
  void combine(const LearnedCounts& other) {
    memory.combine(other.memory);
    sample.combine(other.sample);
    rows += other.rows;
    unlabelled_rows += other.unlabelled_rows;
  }
  double labelling_rate() const noexcept { return memory.labelling_rate(); }
  std::string serialize() const;
  static LearnedCounts deserialize(const std::string& bytes);
  bool operator==(const LearnedCounts&) const = default;
};


}  // namespace finseg
