// What travels between the ranks of the parallel import (through spill files, spill.hpp): an
// account row, a transaction row, the key of an id for the duplicate check, and a problem (a
// rejected row) with its place in the input.
#pragma once

#include "core/account_type.hpp"
#include "core/date.hpp"
#include "core/money.hpp"
#include "core/shard_data.hpp"
#include "core/text_hash.hpp"
#include "csv/csv_rejections.hpp"
#include "ingest/spill.hpp"

#include <cereal/types/string.hpp>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace finseg::csv {
template <class Archive>
void serialize(Archive& ar, Problem& p) {
  ar(p.file, p.line, p.column, p.value, p.reason, p.record);
}
}  // namespace finseg::csv

namespace finseg::ingest {

// A 64-bit hash of an id (short_text_hash, core/text_hash.hpp): spreads ids over buckets and keys the account
// map. Equal hashes of different ids are told apart (dedup) or detected (account map).
inline std::uint64_t id_hash(std::string_view s) noexcept { return short_text_hash(s); }

// Where a row is in the input: file (accounts files first, then transactions files, each list in
// its plan order) and physical line. Problems and input order are ordered by it.
struct InputPos {
  std::uint32_t file = 0;
  std::uint64_t line = 0;
  auto operator<=>(const InputPos&) const = default;
};

struct AccountRec {
  InputPos pos;
  std::string_view id, user;
  AccountType type = AccountType::checking;
  Currency currency{};
  Cents balance = 0;
  Day balance_date = 0;
  std::string_view balance_text;  // the cell as written: the money-bound reason quotes it
  std::string_view raw;           // the record, kept only when a rejects file is written
  void write(SpillWriter& w) const;
  static AccountRec read(SpillReader& r);
};

// The texts of a transaction that a shard stores and the labeller reads.
struct RowTexts {
  std::string_view id, counterpart_name, counterpart_iban, purpose;
};

struct TxnRec {
  InputPos pos;
  std::uint64_t account_hash = 0;
  Day booking_date = 0;
  Cents amount = 0;
  LabelSet labels = 0;
  bool labels_empty = false;  // the cell was empty: the learned labeller fills it
  std::string_view id, counterpart_name, counterpart_iban, purpose;
  std::string_view amount_text;  // the cell as written: the money-bound reason quotes it
  std::string_view raw;          // the record, kept only when a rejects file is written
  void write(SpillWriter& w) const;
  static TxnRec read(SpillReader& r);
  // read() in two steps: the fields before the texts (pos to labels_empty), then the texts (their
  // bytes with their lengths, a varint, then id to amount_text with their lengths, raw without: the rest). A reader that keeps the numbers of a record and the position of its texts decodes only
  // the texts again when it needs them (the shard owner: import_shards.cpp).
  static TxnRec read_numbers(SpillReader& r);
  // The labels' byte count in the flags byte after the amount (bit 0: labels_empty).
  static unsigned label_bytes(std::uint8_t flags) {
    const unsigned n = flags >> 1;
    if (n > sizeof(LabelSet)) throw std::logic_error("spill file: labels of more than 8 bytes");
    return n;
  }
  static void read_texts(SpillReader& r, TxnRec& t);
  // read_texts of the texts a shard stores and the labeller reads, past the others (amount_text
  // and raw): a RowTexts, not a TxnRec, whose zeroing (a `rep stos` of 136 bytes per row) was
  // ~45 % of the samples of the shard writer's loop over the rows (append_group).
  static RowTexts read_row_texts(SpillReader& r);
  // read_row_texts of the record's texts at `p` (before `file_end`), `texts_end` set past them: a
  // reader that keeps where each record's texts are reads them with no seek (the shard writer's
  // seek and advance_to stored a position it never used, for every row in store order).
  static RowTexts row_texts_at(const char* p, const char* file_end, const char*& texts_end);
  [[noreturn]] static void text_past_the_end();  // read_row_texts' error, out of line
  // A varint at `p` that ends before `end` (else text_past_the_end); `p` moves past it.
  static std::uint64_t varint_before(const char*& p, const char* end);
  // Past the texts of a record whose numbers were read, to the next record: one step over the
  // bytes their varint in front of them counts.
  static void skip_texts(SpillReader& r);
};

// Inline: the shard owner's load_group calls these for every row and keeps only some of the
// fields (a call returning the whole TxnRec stored its eight views for nothing).
inline TxnRec TxnRec::read_numbers(SpillReader& r) {
  TxnRec t;
  // The longest numbers part: three varints, the account hash, the date, the flags (labels_empty,
  // the labels' byte count) and the labels (read by one 8-byte load).
  constexpr std::size_t kLongest =
      3 * SpillWriter::kMaxVarintBytes + sizeof t.account_hash + sizeof t.booking_date + 1 + sizeof t.labels;
  if (r.remaining() >= kLongest) {
    const char* p = r.cursor();
    t.pos.file = static_cast<std::uint32_t>(SpillReader::varint_at(p));
    t.pos.line = SpillReader::varint_at(p);
    std::memcpy(&t.account_hash, p, sizeof t.account_hash);
    p += sizeof t.account_hash;
    std::memcpy(&t.booking_date, p, sizeof t.booking_date);
    p += sizeof t.booking_date;
    const std::uint64_t zigzag = SpillReader::varint_at(p);
    t.amount = static_cast<Cents>((zigzag >> 1) ^ (~(zigzag & 1) + 1));
    const auto flags = static_cast<std::uint8_t>(*p++);
    t.labels_empty = (flags & 1) != 0;
    t.labels = SpillReader::low_bytes_at(p, label_bytes(flags));
    r.advance_to(p);
    return t;
  }
  t.pos.file = static_cast<std::uint32_t>(r.get_varint());
  t.pos.line = r.get_varint();
  t.account_hash = r.get<std::uint64_t>();
  t.booking_date = r.get<Day>();
  const std::uint64_t zigzag = r.get_varint();
  t.amount = static_cast<Cents>((zigzag >> 1) ^ (~(zigzag & 1) + 1));
  const auto flags = r.get<std::uint8_t>();
  t.labels_empty = (flags & 1) != 0;
  t.labels = r.get_low_bytes(label_bytes(flags));
  return t;
}

// Inline too: append_group calls it for every row in store order (the call and the RowTexts
// passed back through memory were ~20 instructions a row).
inline RowTexts TxnRec::read_row_texts(SpillReader& r) {
  const char* end = nullptr;
  const RowTexts t = row_texts_at(r.cursor(), r.cursor() + r.remaining(), end);
  r.advance_to(end);
  return t;
}

inline std::uint64_t TxnRec::varint_before(const char*& p, const char* end) {
  std::uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    if (p == end || shift > 63) text_past_the_end();
    const auto b = static_cast<std::uint8_t>(*p++);
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) return v;
  }
}

inline RowTexts TxnRec::row_texts_at(const char* p, const char* file_end, const char*& texts_end) {
  // The texts' byte count (a varint), then within their bytes, checked once against the file's
  // end: each text then needs only its own check against the record's end (get_text's checks
  // against the file were ~19 instructions a text, and the two texts left out were read for nothing).
  const std::uint64_t bytes = varint_before(p, file_end);
  if (bytes > static_cast<std::uint64_t>(file_end - p)) text_past_the_end();
  const char* const end = p + bytes;
  const auto text = [&p, end]() -> std::string_view {
    if (p == end) text_past_the_end();
    const auto first = static_cast<std::uint8_t>(*p);  // a text under 128 bytes: its length in one byte
    const std::uint64_t n = first < 0x80 ? (++p, first) : varint_before(p, end);
    if (n > static_cast<std::uint64_t>(end - p)) text_past_the_end();
    const std::string_view v(p, static_cast<std::size_t>(n));
    p += n;
    return v;
  };
  RowTexts t;
  t.id = text();
  t.counterpart_name = text();
  t.counterpart_iban = text();
  t.purpose = text();
  texts_end = end;
  return t;
}

inline void TxnRec::skip_texts(SpillReader& r) {
  r.skip_text();  // id, the counterpart's name and IBAN, purpose, amount_text with their lengths, raw: their bytes
}

// One row's id, for the check that no id appears twice: every row with a non-empty id registers
// it (also a row rejected for another reason), as the serial import does.
struct IdKey {
  std::uint64_t hash = 0;
  InputPos pos;
  bool full = false;      // the row has the header's number of fields (only then is it a duplicate)
  bool parse_ok = false;  // no other check rejected the row
  std::string_view id;
  std::string_view raw;   // the record, kept only when a rejects file is written
  // A row spilled to its shard (row_shard >= 0) spills its key without the id's text (~19 of the
  // key's ~33 bytes) and without its position: both are read again from the row's record, at
  // row_offset in the shard's spill file of the same rank, only for a group of equal hashes
  // (import_dedup.cpp). read() then leaves `id` empty and `pos` zero. A row past the file's
  // first 4 GiB spills its id and position as before.
  std::int32_t row_shard = -1;
  std::uint64_t row_offset = 0;
  void write(SpillWriter& w) const;
  static IdKey read(SpillReader& r);
  // Past a key, keeping only its hash and parse_ok (the duplicate check's scan of a bucket:
  // read() built every field, ~120 instructions per key).
  static void scan(SpillReader& r, std::uint64_t& hash, bool& parse_ok);
};

// A rejected row with its place (problems are listed in input order whichever rank found them).
struct PlacedProblem {
  InputPos pos;
  bool overrides = false;  // a duplicate found after the row was rejected for another reason
  csv::Problem problem;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(pos.file, pos.line, overrides, problem);
  }
};

}  // namespace finseg::ingest
