#include "ingest/import_records.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

namespace finseg::ingest {

void AccountRec::write(SpillWriter& w) const {
  w.put_varint(pos.file);
  w.put_varint(pos.line);
  w.put(static_cast<std::uint8_t>(type));
  w.put(currency);
  w.put(balance);
  w.put(balance_date);
  w.put_text(id);
  w.put_text(user);
  w.put_text(balance_text);
  w.put_text(raw);
  w.end_record();
}

AccountRec AccountRec::read(SpillReader& r) {
  AccountRec a;
  a.pos.file = static_cast<std::uint32_t>(r.get_varint());
  a.pos.line = r.get_varint();
  a.type = static_cast<AccountType>(r.get<std::uint8_t>());
  a.currency = r.get<Currency>();
  a.balance = r.get<Cents>();
  a.balance_date = r.get<Day>();
  a.id = r.get_text();
  a.user = r.get_text();
  a.balance_text = r.get_text();
  a.raw = r.get_text();
  return a;
}

void TxnRec::write(SpillWriter& w) const {
  constexpr std::size_t V = SpillWriter::kMaxVarintBytes;
  const std::size_t texts =
      id.size() + counterpart_name.size() + counterpart_iban.size() + purpose.size() + amount_text.size() + raw.size();
  // The texts' bytes with their lengths, in front of them: a reader that needs only the numbers
  // steps over the texts at once (skip_texts: six varints and bounds checks were ~120
  // instructions per row). The lengths are one byte each unless a text has 128 bytes or more.
  // The last text, raw (empty unless a rejects file is written), has no length: it is what the
  // texts' bytes leave (its empty length and copy were ~12 instructions a row).
  const std::size_t lengths =
      (id.size() | counterpart_name.size() | counterpart_iban.size() | purpose.size() | amount_text.size()) < 0x80
          ? 5
          : SpillWriter::varint_bytes(id.size()) + SpillWriter::varint_bytes(counterpart_name.size()) +
                SpillWriter::varint_bytes(counterpart_iban.size()) + SpillWriter::varint_bytes(purpose.size()) +
                SpillWriter::varint_bytes(amount_text.size());
  SpillWriter::Cursor c = w.begin_record(4 * V + sizeof account_hash + sizeof booking_date + 1 + sizeof labels + 6 * V + texts);
  c.put_varint(pos.file);
  c.put_varint(pos.line);
  c.put(account_hash);
  c.put(booking_date);
  c.put_varint((static_cast<std::uint64_t>(amount) << 1) ^ static_cast<std::uint64_t>(amount >> 63));  // zigzag
  // The labels as their low bytes up to the highest one set, the count in the flags byte: one
  // store, where their varint (~4-5 bytes: the label bits reach past bit 32) looped ~24
  // instructions a row, for as many bytes or fewer.
  const unsigned label_bytes = static_cast<unsigned>(64 - std::countl_zero(labels) + 7) / 8;
  c.put(static_cast<std::uint8_t>((labels_empty ? 1 : 0) | label_bytes << 1));
  c.put_low_bytes(labels, label_bytes);
  c.put_varint(texts + lengths);
  c.put_text(id);
  c.put_text(counterpart_name);
  c.put_text(counterpart_iban);
  c.put_text(purpose);
  c.put_text(amount_text);
  if (!raw.empty()) c.put_bytes(raw);
  w.end_record(c);
}

TxnRec TxnRec::read(SpillReader& r) {
  TxnRec t = read_numbers(r);
  read_texts(r, t);
  return t;
}

void TxnRec::read_texts(SpillReader& r, TxnRec& t) {
  const std::uint64_t bytes = r.get_varint();
  const std::size_t start = r.position();
  t.id = r.get_text();
  t.counterpart_name = r.get_text();
  t.counterpart_iban = r.get_text();
  t.purpose = r.get_text();
  t.amount_text = r.get_text();
  if (r.position() - start > bytes) text_past_the_end();
  t.raw = r.get_bytes(static_cast<std::size_t>(bytes - (r.position() - start)));  // the rest
}

void TxnRec::text_past_the_end() { throw std::logic_error("spill file: a text past its record's end"); }

void IdKey::write(SpillWriter& w) const {
  constexpr std::size_t V = SpillWriter::kMaxVarintBytes;
  const bool in_row = row_shard >= 0 && row_offset <= UINT32_MAX;
  SpillWriter::Cursor c = w.begin_record(sizeof hash + 1 + 2 * V + 2 * V + id.size() + raw.size());
  c.put(hash);
  // raw, empty unless a rejects file is written, is spilled only when there is one (flag 8): its
  // empty length was ~12 instructions a key to write and a varint to read in every scan.
  c.put(static_cast<std::uint8_t>((full ? 1 : 0) | (parse_ok ? 2 : 0) | (in_row ? 4 : 0) | (raw.empty() ? 0 : 8)));
  if (in_row) {
    // The row's place, not its position: the row's record starts with that (the duplicate check
    // reads it there with the id, only for a group of equal hashes; its varints were ~20
    // instructions and ~4 bytes a key).
    c.put_varint(static_cast<std::uint64_t>(row_shard));
    c.put(static_cast<std::uint32_t>(row_offset));  // 4 bytes, not a varint: its loop cost ~60 instructions per key
  } else {
    c.put_varint(pos.file);
    c.put_varint(pos.line);
    c.put_text(id);
  }
  if (!raw.empty()) c.put_text(raw);
  w.end_record(c);
}

namespace {
// Past a varint at `p` (its last byte is the first below 0x80).
const char* skip_varint(const char* p) noexcept {
  while (static_cast<std::uint8_t>(*p) >= 0x80) ++p;
  return p + 1;
}
}  // namespace

void IdKey::scan(SpillReader& r, std::uint64_t& hash, bool& parse_ok) {
  // Through a raw cursor when the longest fixed part and the next length fit before the end: one
  // bounds check for the key, not one per field (the checked reads were ~84 instructions per key,
  // a third of the duplicate check). The id's bytes, when the key holds them, may be long: the
  // length of the raw text after them is read through the cursor only when it fits too.
  constexpr std::size_t V = SpillWriter::kMaxVarintBytes;
  constexpr std::size_t kFixed = sizeof hash + 1 + 3 * V + V;
  if (r.remaining() >= kFixed) {
    const char* const start = r.cursor();
    const char* p = start;
    std::memcpy(&hash, p, sizeof hash);
    p += sizeof hash;
    const auto flags = static_cast<std::uint8_t>(*p++);
    parse_ok = (flags & 2) != 0;
    bool fits = true;
    if ((flags & 4) != 0) {
      p = skip_varint(p) + sizeof(std::uint32_t);
    } else {
      p = skip_varint(skip_varint(p));
      const std::uint64_t id_bytes = SpillReader::varint_at(p);
      p += id_bytes;
      fits = static_cast<std::size_t>(p - start) + V <= r.remaining();
    }
    if (fits) {
      if ((flags & 8) != 0) p += SpillReader::varint_at(p);  // past raw
      if (static_cast<std::size_t>(p - start) > r.remaining()) throw std::logic_error("spill file: a key past the end");
      r.advance_to(p);
      return;
    }
  }
  hash = r.get<std::uint64_t>();
  const auto flags = r.get<std::uint8_t>();
  parse_ok = (flags & 2) != 0;
  if ((flags & 4) != 0) {
    r.get_varint();
    r.get<std::uint32_t>();
  } else {
    r.get_varint();
    r.get_varint();
    r.skip_text();
  }
  if ((flags & 8) != 0) r.skip_text();
}

IdKey IdKey::read(SpillReader& r) {
  IdKey k;
  k.hash = r.get<std::uint64_t>();
  const auto flags = r.get<std::uint8_t>();
  k.full = (flags & 1) != 0;
  k.parse_ok = (flags & 2) != 0;
  if ((flags & 4) != 0) {
    k.row_shard = static_cast<std::int32_t>(r.get_varint());
    k.row_offset = r.get<std::uint32_t>();
  } else {
    k.pos.file = static_cast<std::uint32_t>(r.get_varint());
    k.pos.line = r.get_varint();
    k.id = r.get_text();
  }
  if ((flags & 8) != 0) k.raw = r.get_text();
  return k;
}

}  // namespace finseg::ingest
