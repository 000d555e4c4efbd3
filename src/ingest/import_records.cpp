#include "ingest/import_records.hpp"

namespace finseg::ingest {

void AccountRec::write(SpillWriter& w) const {
  w.put(pos.file);
  w.put(pos.line);
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
  a.pos.file = r.get<std::uint32_t>();
  a.pos.line = r.get<std::uint64_t>();
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
  w.put(pos.file);
  w.put(pos.line);
  w.put(account_hash);
  w.put(booking_date);
  w.put(amount);
  w.put(labels);
  w.put(static_cast<std::uint8_t>(labels_empty));
  w.put_text(id);
  w.put_text(counterpart_name);
  w.put_text(counterpart_iban);
  w.put_text(purpose);
  w.put_text(amount_text);
  w.put_text(raw);
  w.end_record();
}

TxnRec TxnRec::read(SpillReader& r) {
  TxnRec t;
  t.pos.file = r.get<std::uint32_t>();
  t.pos.line = r.get<std::uint64_t>();
  t.account_hash = r.get<std::uint64_t>();
  t.booking_date = r.get<Day>();
  t.amount = r.get<Cents>();
  t.labels = r.get<LabelSet>();
  t.labels_empty = r.get<std::uint8_t>() != 0;
  t.id = r.get_text();
  t.counterpart_name = r.get_text();
  t.counterpart_iban = r.get_text();
  t.purpose = r.get_text();
  t.amount_text = r.get_text();
  t.raw = r.get_text();
  return t;
}

void IdKey::write(SpillWriter& w) const {
  w.put(hash);
  w.put(pos.file);
  w.put(pos.line);
  w.put(static_cast<std::uint8_t>((full ? 1 : 0) | (parse_ok ? 2 : 0)));
  w.put_text(id);
  w.put_text(raw);
  w.end_record();
}

IdKey IdKey::read(SpillReader& r) {
  IdKey k;
  k.hash = r.get<std::uint64_t>();
  k.pos.file = r.get<std::uint32_t>();
  k.pos.line = r.get<std::uint64_t>();
  const auto flags = r.get<std::uint8_t>();
  k.full = (flags & 1) != 0;
  k.parse_ok = (flags & 2) != 0;
  k.id = r.get_text();
  k.raw = r.get_text();
  return k;
}

}  // namespace finseg::ingest
