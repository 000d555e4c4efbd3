// What travels between the ranks of the parallel import (through spill files, spill.hpp): an
// account row, a transaction row, the key of an id for the duplicate check, and a problem (a
// rejected row) with its place in the input.
#pragma once

#include "core/account_type.hpp"
#include "core/date.hpp"
#include "core/money.hpp"
#include "core/shard_data.hpp"
#include "csv/csv_rejections.hpp"
#include "ingest/spill.hpp"

#include <cereal/types/string.hpp>

#include <cstdint>
#include <cstring>
#include <string_view>

namespace finseg::csv {
template <class Archive>
void serialize(Archive& ar, Problem& p) {
  ar(p.file, p.line, p.column, p.value, p.reason, p.record);
}
}  // namespace finseg::csv

namespace finseg::ingest {

// A 64-bit hash of an id (multiply-mix over 8-byte words): spreads ids over buckets and keys the
// account map. Equal hashes of different ids are told apart (dedup) or detected (account map).
inline std::uint64_t id_hash(std::string_view s) noexcept {
  const auto mix = [](std::uint64_t a, std::uint64_t b) {
    __extension__ typedef unsigned __int128 u128;
    const u128 r = static_cast<u128>(a) * b;
    return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
  };
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = mix(h ^ w, 0xE7037ED1A0B428DBULL);
  }
  // The last 1-7 bytes as a little-endian number (what a memcpy into a zeroed word gives), by
  // fixed-size loads: a memcpy of a variable length was a call per id, two per transaction row.
  const std::size_t rest = s.size() - i;
  std::uint64_t tail = 0;
  if (rest > 0 && s.size() >= 8) {
    std::memcpy(&tail, s.data() + s.size() - 8, 8);
    tail >>= 8 * (8 - rest);
  } else if (rest >= 4) {
    std::uint32_t lo, hi;
    std::memcpy(&lo, s.data() + i, 4);
    std::memcpy(&hi, s.data() + s.size() - 4, 4);
    tail = lo | (static_cast<std::uint64_t>(hi) << (8 * (rest - 4)));
  } else {
    for (std::size_t k = 0; k < rest; ++k) tail |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[i + k])) << (8 * k);
  }
  h = mix(h ^ tail, 0xA0761D6478BD642FULL);
  return mix(h, 0x8EBC6AF09C88C6E3ULL);
}

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
  // read() in two steps: the fields before the texts (pos to labels_empty), then the texts (id to
  // raw). A reader that keeps the numbers of a record and the position of its texts decodes only
  // the texts again when it needs them (the shard owner: import_shards.cpp).
  static TxnRec read_numbers(SpillReader& r);
  static void read_texts(SpillReader& r, TxnRec& t);
  // Past the texts of a record whose numbers were read, to the next record (the format has no
  // record lengths): read_texts without building the views.
  static void skip_texts(SpillReader& r);
};

// One row's id, for the check that no id appears twice: every row with a non-empty id registers
// it (also a row rejected for another reason), as the serial import does.
struct IdKey {
  std::uint64_t hash = 0;
  InputPos pos;
  bool full = false;      // the row has the header's number of fields (only then is it a duplicate)
  bool parse_ok = false;  // no other check rejected the row
  std::string_view id;
  std::string_view raw;   // the record, kept only when a rejects file is written
  void write(SpillWriter& w) const;
  static IdKey read(SpillReader& r);
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
