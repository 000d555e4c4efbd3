// A set of string_views with a value each (open addressing, linear probing): the accountId and
// transactionId look-ups of the CSV import, one probe array and no allocation per key.
// The viewed bytes must outlive the index.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace finseg::csv {

class StringIndex {
 public:
  explicit StringIndex(std::size_t expected = 64) {
    std::size_t cap = 16;
    while (cap < 2 * expected) cap *= 2;
    slots_.assign(cap, Slot{});
    keys_.reserve(expected);
  }

  // Adds key -> value unless the key is present; returns the value now stored and whether it was added.
  std::pair<std::uint32_t, bool> insert(std::string_view key, std::uint32_t value) {
    if (2 * (keys_.size() + 1) > slots_.size()) grow();
    const std::size_t h = std::hash<std::string_view>{}(key);
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.key_plus1 == 0) {
        keys_.emplace_back(key, value);
        s = Slot{static_cast<std::uint32_t>(keys_.size()), tag};
        return {value, true};
      }
      if (s.tag == tag && keys_[s.key_plus1 - 1].first == key) return {keys_[s.key_plus1 - 1].second, false};
    }
  }

  const std::uint32_t* find(std::string_view key) const {
    const std::size_t h = std::hash<std::string_view>{}(key);
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.key_plus1 == 0) return nullptr;
      if (s.tag == tag && keys_[s.key_plus1 - 1].first == key) return &keys_[s.key_plus1 - 1].second;
    }
  }

  std::size_t size() const noexcept { return keys_.size(); }

 private:
  struct Slot {
    std::uint32_t key_plus1 = 0;  // 0: empty
    std::uint32_t tag = 0;        // high hash bits: most mismatches never touch the key
  };

  void grow() {
    std::vector<Slot> bigger(slots_.size() * 2);
    const std::size_t mask = bigger.size() - 1;
    for (std::size_t k = 0; k < keys_.size(); ++k) {
      const std::size_t h = std::hash<std::string_view>{}(keys_[k].first);
      std::size_t i = h & mask;
      while (bigger[i].key_plus1 != 0) i = (i + 1) & mask;
      bigger[i] = Slot{static_cast<std::uint32_t>(k + 1), static_cast<std::uint32_t>(h >> 32)};
    }
    slots_.swap(bigger);
  }

  std::vector<Slot> slots_;
  std::vector<std::pair<std::string_view, std::uint32_t>> keys_;
};

}  // namespace finseg::csv
