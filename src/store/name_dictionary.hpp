// The dictionary of a shard's counterpart names (store format 2, docs/store-format.md 1): each
// distinct name gets the next id in order of its first use in the shard, so the ids depend on the
// shard's rows alone (byte-identical stores at any rank count). Both shard writers (MemoryColumns
// from a ShardData, ShardStreamWriter row by row) assign ids through this one class.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

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
    if (const auto it = ids_.find(name); it != ids_.end()) {
      added = false;
      return it->second;
    }
    if (next_ == UINT32_MAX) throw std::length_error("a shard's counterpart name dictionary exceeds 2^32 - 1 entries");
    added = true;
    const std::uint32_t id = next_++;
    if (ids_.size() < kMaxEntries && key_bytes_ + name.size() <= kMaxKeyBytes) {
      ids_.emplace(std::string(name), id);
      key_bytes_ += name.size();
    }
    return id;
  }
  std::uint32_t size() const noexcept { return next_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> ids_;
  std::uint32_t next_ = 0;
  std::size_t key_bytes_ = 0;
};

}  // namespace finseg
