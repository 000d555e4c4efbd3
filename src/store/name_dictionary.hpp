// The dictionary of a shard's counterpart names (store format 2, docs/store-format.md 1): each
// distinct name gets the next id in order of its first use in the shard, so the ids depend on the
// shard's rows alone (byte-identical stores at any rank count). Both shard writers (MemoryColumns
// from a ShardData, ShardStreamWriter row by row) assign ids through this one class.
#pragma once

#include "core/short_copy.hpp"
#include "core/text_hash.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace finseg {

class NameDictionary {
 public:
  // The lookup table is bounded, so that a writer's memory stays flat for a bank whose names are
  // all distinct: past these many names (or key bytes) a name not in the table yet gets a new id
  // and is added to the dictionary again each time it comes (still correct, only larger). The
  // limits are constants, so the ids still depend on the rows alone.
  static constexpr std::size_t kMaxEntries = std::size_t{1} << 18;
  static constexpr std::size_t kMaxKeyBytes = std::size_t{16} << 20;

  // The id of `name`; `added` says whether it is a new entry the caller appends to the dictionary.
  std::uint32_t id(std::string_view name, bool& added) {
    // short_text_hash, not std::hash (its murmur loop was ~1 % of an import's CPU): the ids depend on the
    // order of first use alone, whatever the hash.
    const auto hash = static_cast<std::uint32_t>(short_text_hash(name));
    Slot* slot = find(name, hash);
    if (slot->length != kEmpty) {
      added = false;
      return slot->id;
    }
    if (next_ == UINT32_MAX) throw std::length_error("a shard's counterpart name dictionary exceeds 2^32 - 1 entries");
    added = true;
    const std::uint32_t id = next_++;
    if (entries_ < kMaxEntries && keys_.size() + name.size() <= kMaxKeyBytes) {
      *slot = {hash, static_cast<std::uint32_t>(keys_.size()), static_cast<std::uint32_t>(name.size()), id};
      keys_.append(name);
      if (++entries_ * 2 > slots_.size()) grow();
    }
    return id;
  }
  std::uint32_t size() const noexcept { return next_; }

 private:
  // Open addressing, linear probing, at most half full: the names' bytes end to end in one string
  // and 16 bytes per slot (no allocation per name: most names of a bank that does not repeat them
  // are inserted once and never looked up again).
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t offset = 0;  // in keys_
    std::uint32_t length = kEmpty;
    std::uint32_t id = 0;
  };

  // The slot holding `name`, or the empty slot where it would go.
  Slot* find(std::string_view name, std::uint32_t hash) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.length == kEmpty) return &s;
      if (s.hash == hash && s.length == name.size() && equal_short(keys_.data() + s.offset, name.data(), name.size()))
        return &s;
    }
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.length == kEmpty) continue;
      std::size_t i = s.hash & mask;
      while (slots_[i].length != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_ = std::vector<Slot>(1024);
  std::string keys_;
  std::size_t entries_ = 0;
  std::uint32_t next_ = 0;
};

}  // namespace finseg
