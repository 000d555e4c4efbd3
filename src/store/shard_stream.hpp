// A shard written row by row, for a shard larger than memory (the import's external path, issue
// 12): rows are appended in store order and the transaction columns are kept in memory up to a
// budget, beyond which they are spooled to one file per column; the shard file is then written
// column after column from memory and spool files through the same slab writer as write_shard,
// so the file is byte-identical to write_shard's of the same rows whatever the budget.
#pragma once

#include "core/shard_data.hpp"
#include "core/short_copy.hpp"
#include "store/h5_shard.hpp"
#include "store/name_dictionary.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

namespace finseg {

class ShardStreamWriter {
 public:
  // The transaction columns' buffers of a writer, handed on to the next (a rank writes its
  // shards one after the other): a buffer freed with its writer and allocated again went back to
  // the kernel (glibc maps blocks this large) and the next shard faulted its pages in again and
  // copied them at every doubling while it grew (~4.7 % of the shards phase's instructions in
  // that copy, docs/performance.md 6). What they hold is what the writer's budget allows.
  class Buffers {
   private:
    friend class ShardStreamWriter;
    std::array<std::unique_ptr<char[]>, 12> bytes;
    std::array<std::size_t, 12> capacity{};
  };

  // Spool files go to `spool_dir` (which must exist) as `<prefix>.colN`; at most `memory_bytes`
  // of transaction columns are held (users and accounts are always held: one shard's worth).
  // `keep`: the buffers to start from, and to leave the writer's in when it is destroyed.
  ShardStreamWriter(std::filesystem::path spool_dir, std::string prefix, std::uint64_t memory_bytes, Buffers* keep = nullptr);
  ~ShardStreamWriter();  // removes the spool files (and hands its buffers to `keep`)
  ShardStreamWriter(const ShardStreamWriter&) = delete;
  ShardStreamWriter& operator=(const ShardStreamWriter&) = delete;

  // As ShardData's: a user, then its accounts, then each account's transactions right after it.
  void add_user(std::string_view id) { head_.add_user(id); }
  void add_account(std::string_view id, AccountType type, Currency cur, Cents bal, Day bal_date) {
    head_.add_account(id, type, cur, bal, bal_date);
  }
  // Inline, each column's offset a constant: a row's appends were ~250 instructions through
  // calls with the column as a variable and a memcpy call per text (~20 % of the shards phase's
  // own code, docs/performance.md 6).
  void add_transaction(std::string_view id, Day booking, Cents amount, LabelSet labels, std::string_view cp_name,
                       std::string_view cp_iban, std::string_view purpose) {
    if (head_.accounts() == 0) no_account();
    add_text<0>(id);
    txn_[2].append_value(booking);
    txn_[3].append_value(amount);
    txn_[4].append_value(labels);
    add_name(cp_name);
    add_text<8>(cp_iban);
    add_text<10>(purpose);
    buffered_ += sizeof booking + sizeof amount + sizeof labels;
    ++head_.account_txn_offsets.back();
    label_bits_ |= labels;
    first_booking_ = std::min(first_booking_, booking);
    last_booking_ = std::max(last_booking_, booking);
    if (buffered_ > memory_bytes_) spool();
  }

  std::uint64_t transactions() const noexcept { return static_cast<std::uint64_t>(head_.account_txn_offsets.back()); }
  // Whether the columns went to spool files (tests: the budget forced the external path).
  bool spooled() const noexcept { return spooled_; }
  // Users and accounts as written (transaction columns empty).
  const ShardData& head() const noexcept { return head_; }
  // The label bits of every transaction or-ed (write_shard checks them against the taxonomy).
  LabelSet label_bits() const noexcept { return label_bits_; }

  // The columns to write, read from the start (once: the sources are consumed).
  const h5::ShardColumns& columns();

 private:
  // One transaction dataset: bytes in memory, the older ones in a spool file.
  class Spool final : public h5::ColumnSource {
   public:
    // `scratch`: the writer's, shared (the datasets are written one after another).
    void open(std::filesystem::path file, std::size_t element, std::string& scratch);
    // Inline over a raw buffer, not std::string::append: eleven appends per transaction, whose
    // call, length check and memcpy call were ~10 % of an import's instructions (an 8-byte
    // value's copy is one move here).
    void append(const void* p, std::size_t n) {
      if (n > capacity_ - size_) grow(n);
      if (n != 0) std::memcpy(buf_.get() + size_, p, n);  // an empty text: maybe no buffer yet, and memcpy of null is UB
      size_ += n;
    }
    // A row's text (copy_short: nothing copied for an empty one) and a row's value.
    void append_text(std::string_view s) {
      if (s.size() > capacity_ - size_) grow(s.size());
      copy_short(buf_.get() + size_, s.data(), s.size());
      size_ += s.size();
    }
    template <class T>
    void append_value(const T& v) {
      if (sizeof(T) > capacity_ - size_) grow(sizeof(T));
      std::memcpy(buf_.get() + size_, &v, sizeof(T));
      size_ += sizeof(T);
    }
    std::size_t buffered() const noexcept { return size_; }
    std::uint64_t elements() const noexcept { return (file_bytes_ + size_) / element_; }
    void flush();
    const void* next(std::size_t count) override;
    void remove() noexcept;
    // An empty spool starts from `buf` (its contents do not matter); release() hands the buffer on.
    void adopt(std::unique_ptr<char[]>& buf, std::size_t& capacity) noexcept;
    void release(std::unique_ptr<char[]>& buf, std::size_t& capacity) noexcept;

   private:
    std::filesystem::path file_;
    std::size_t element_ = 1;
    void grow(std::size_t n);
    std::unique_ptr<char[]> buf_;  // not zeroed: its pages are touched only as rows fill them
    std::size_t size_ = 0, capacity_ = 0;
    std::uint64_t file_bytes_ = 0;
    std::uint64_t read_ = 0;  // bytes handed out by next()
    std::FILE* in_ = nullptr;
    std::string* scratch_ = nullptr;  // a slab read from the file
  };
  // Column C's bytes, and its end offset in column C + 1.
  template <std::size_t C>
  void add_text(std::string_view s) {
    txn_[C].append_text(s);
    text_bytes_[C] += static_cast<std::int64_t>(s.size());
    txn_[C + 1].append_value(text_bytes_[C]);
    buffered_ += s.size() + sizeof(std::int64_t);
  }
  // A name new to the shard joins the dictionary (spooled like any text column); every
  // transaction gets its id. Inline: its call was ~10 instructions a row of saved registers.
  void add_name(std::string_view name) {
    bool added = false;
    const std::uint32_t id = names_.id(name, added);
    if (added) add_text<kNameDict>(name);
    txn_[kNameIds].append_value(id);
    buffered_ += sizeof id;
  }
  static constexpr std::size_t kNameDict = 5;  // the names' dictionary (a text column), then their ids
  static constexpr std::size_t kNameIds = 7;
  [[noreturn]] static void no_account();
  void spool();  // the columns to their spool files (beyond the budget)

  ShardData head_;
  std::string scratch_;
  std::array<Spool, 12> txn_;  // datasets 10..21 of h5layout::kDatasets
  std::array<std::int64_t, 12> text_bytes_{};
  NameDictionary names_;  // the counterpart names' ids (datasets 15..17, store format 2)
  std::uint64_t memory_bytes_;
  std::size_t buffered_ = 0;
  bool spooled_ = false;
  LabelSet label_bits_ = 0;
  Day first_booking_ = std::numeric_limits<Day>::max(), last_booking_ = std::numeric_limits<Day>::min();
  std::unique_ptr<h5::MemoryColumns> memory_;
  h5::ShardColumns columns_;
  Buffers* keep_ = nullptr;
};

// Writes the streamed shard as write_shard writes a ShardData (checks, file, ShardInfo).
ShardInfo write_shard(const std::filesystem::path& file, ShardStreamWriter& rows, const Taxonomy& taxonomy,
                      const ShardWriteOptions& options = {});

}  // namespace finseg
