// The check that no accountId (transactionId) appears twice, across all files and ranks: every
// rank spills the key of each row that has an id into bucket (hash % ctx.id_buckets); the owner
// of a bucket (bucket % ranks) sorts it and finds the later rows of an id. As in the serial import, a later row with
// the header's number of fields is a duplicate ("first at line N" of the first row, whatever
// became of it); a later row with another number of fields keeps its field-count reason.
#pragma once

#include "ingest/import_context.hpp"

#include <string_view>
#include <vector>

namespace finseg::ingest {

// Spills id keys of one kind into the buckets (one writer per bucket, on this rank).
class KeySpill {
 public:
  KeySpill(const ImportContext& ctx, std::string_view kind);
  void add(const IdKey& key) { writers_[key.hash % writers_.size()].put_key(key); }
  void flush();

 private:
  struct Writer : SpillWriter {
    using SpillWriter::SpillWriter;
    void put_key(const IdKey& k) { k.write(*this); }
  };
  std::vector<Writer> writers_;
};

struct FirstRejected {  // an id whose first row was rejected (for the transactions' reason)
  std::string id;
  InputPos pos;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(id, pos.file, pos.line);
  }
};

struct Duplicates {
  std::vector<InputPos> accepted_rows;  // rows that passed every other check: to be dropped; sorted
  std::vector<FirstRejected> first_rejected;  // (collect_first_rejected) the first `keep`, by id
  bool contains(const InputPos& p) const { return std::binary_search(accepted_rows.begin(), accepted_rows.end(), p); }
};

// Collective: the buckets of `kind` owned by this rank checked; their problems added to
// ctx.problems; what every rank must know exchanged.
Duplicates find_duplicates(ImportContext& ctx, std::string_view kind, std::string_view column, bool collect_first_rejected);

}  // namespace finseg::ingest
