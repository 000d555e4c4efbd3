// The pieces of the parallel import that need no MPI: spill files, the records they carry, the
// id hash, and the problem list that keeps the first problems in input order.
#include "ingest/import_context.hpp"
#include "ingest/import_records.hpp"
#include "ingest/spill.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <set>
#include <unistd.h>

using namespace finseg;
using namespace finseg::ingest;

namespace {

std::filesystem::path temp_file(const std::string& name) {
  static std::atomic<int> n{0};
  return std::filesystem::temp_directory_path() / ("finseg-ingest-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + name);
}

csv::Problem problem(std::uint64_t line, const std::string& reason) { return {"t.csv", line, "amount", "x", reason, ""}; }

}  // namespace

TEST(Spill, RecordsComeBackAsWrittenThroughManySmallFlushes) {
  const auto file = temp_file("rows.bin");
  {
    SpillWriter w(file, 64);  // a flush every record or two
    for (std::uint32_t i = 0; i < 500; ++i) {
      TxnRec t;
      t.pos = {i % 3, 1000 + i};
      t.account_hash = id_hash("acc-" + std::to_string(i % 7));
      t.booking_date = static_cast<Day>(20000 + i);
      t.amount = -static_cast<Cents>(i) * 101;
      t.labels = LabelSet{1} << (i % 60);
      t.labels_empty = i % 2 == 0;
      const std::string id = "t" + std::to_string(i), purpose = i % 5 ? "rent, \"October\"\n" : "";
      t.id = id;
      t.purpose = purpose;
      t.counterpart_name = "Payer";
      t.amount_text = "-1.01";
      t.write(w);
    }
    w.flush();
    EXPECT_GT(w.bytes_written(), 500u * 40u);
  }
  SpillReader r = SpillReader::open(file);
  for (std::uint32_t i = 0; i < 500; ++i) {
    ASSERT_FALSE(r.at_end());
    const TxnRec t = TxnRec::read(r);
    EXPECT_EQ(t.pos, (InputPos{i % 3, 1000 + i}));
    EXPECT_EQ(t.account_hash, id_hash("acc-" + std::to_string(i % 7)));
    EXPECT_EQ(t.amount, -static_cast<Cents>(i) * 101);
    EXPECT_EQ(t.labels, LabelSet{1} << (i % 60));
    EXPECT_EQ(t.labels_empty, i % 2 == 0);
    EXPECT_EQ(t.id, "t" + std::to_string(i));
    EXPECT_EQ(t.purpose, i % 5 ? "rent, \"October\"\n" : "");
    EXPECT_EQ(t.counterpart_iban, "");
  }
  EXPECT_TRUE(r.at_end());
  std::filesystem::remove(file);
}

TEST(Spill, AnAbsentFileReadsAsEmptyAndATruncatedOneIsABug) {
  EXPECT_TRUE(SpillReader::open(temp_file("never-written.bin")).at_end());
  const auto file = temp_file("truncated.bin");
  {
    SpillWriter w(file, 64);
    w.put(std::uint16_t{1});
    w.put_varint(std::uint64_t{1} << 40);
    w.flush();
  }
  SpillReader r = SpillReader::open(file);
  EXPECT_EQ(r.get<std::uint16_t>(), 1u);
  EXPECT_THROW(r.get<std::uint64_t>(), std::logic_error);  // 6 bytes are left
  std::filesystem::remove(file);
}

// The LEB128 and zigzag fields of a row hold every value, the extremes included.
// Far from the file's end a row's numbers are read through a raw cursor, near it field by field:
// the last rows here take the checked path, the others the fast one.
TEST(Spill, ExtremeValuesOfARowRoundTrip) {
  const auto file = temp_file("extremes.bin");
  const std::vector<Cents> amounts{0, 1, -1, 63, -64, 64, INT64_MAX, INT64_MIN, INT64_MIN + 1};
  const std::vector<std::uint64_t> lines{0, 1, 127, 128, 16383, 16384, UINT64_MAX};
  {
    SpillWriter w(file, 64);
    for (std::size_t i = 0; i < amounts.size() * lines.size(); ++i) {
      TxnRec t;
      t.pos = {i % 2 ? UINT32_MAX : 0u, lines[i % lines.size()]};
      t.amount = amounts[i % amounts.size()];
      t.labels = i % 3 == 0 ? ~LabelSet{0} : LabelSet{i};
      t.account_hash = i * 0x9E3779B97F4A7C15ULL;
      t.booking_date = -static_cast<Day>(i);
      t.labels_empty = i % 5 == 0;
      // TxnRec's texts are views: the strings they look at must outlive the write.
      const std::string id(i % 4 == 0 ? 300 : 5, 'x');
      t.id = id;
      const std::string purpose(i == 5 ? 20000 : 0, 'p');  // longer than the buffer and its slack
      t.purpose = purpose;
      t.counterpart_name = t.amount_text = id;
      t.raw = purpose;
      t.write(w);
    }
    w.flush();
  }
  SpillReader r = SpillReader::open(file);
  for (std::size_t i = 0; i < amounts.size() * lines.size(); ++i) {
    const TxnRec t = TxnRec::read(r);
    EXPECT_EQ(t.pos, (InputPos{i % 2 ? UINT32_MAX : 0u, lines[i % lines.size()]}));
    EXPECT_EQ(t.amount, amounts[i % amounts.size()]);
    EXPECT_EQ(t.labels, i % 3 == 0 ? ~LabelSet{0} : LabelSet{i});
    EXPECT_EQ(t.account_hash, i * 0x9E3779B97F4A7C15ULL);
    EXPECT_EQ(t.booking_date, -static_cast<Day>(i));
    EXPECT_EQ(t.labels_empty, i % 5 == 0);
    EXPECT_EQ(t.id.size(), i % 4 == 0 ? 300u : 5u);
    EXPECT_EQ(t.purpose, std::string(i == 5 ? 20000 : 0, 'p'));
    EXPECT_EQ(t.amount_text, t.id);
    EXPECT_EQ(t.raw, t.purpose);  // the last text, spilled with no length: what the texts' bytes leave
  }
  EXPECT_TRUE(r.at_end());
  std::filesystem::remove(file);
}

// A varint is read without a check per byte when its longest form fits before the end, with one
// near the end: both give every length's value back, and both refuse one of more than 64 bits.
// skip_texts() and read_row_texts() land where read_texts() does; read_row_texts() and
// row_texts_at() read the same first four texts (also of 128 bytes or more: a longer length).
TEST(Spill, VarintsOfEveryLengthReadAlikeFarFromAndNearTheEnd) {
  const auto file = temp_file("varints.bin");
  std::vector<std::uint64_t> values;
  for (int bits = 0; bits <= 64; ++bits) values.push_back(bits == 64 ? UINT64_MAX : (std::uint64_t{1} << bits) - 1);
  {
    SpillWriter w(file, 64);
    for (const std::uint64_t v : values) w.put_varint(v);
    w.flush();
  }
  SpillReader r = SpillReader::open(file);
  for (const std::uint64_t v : values) EXPECT_EQ(r.get_varint(), v);  // the last ones: fewer than 10 bytes left
  EXPECT_TRUE(r.at_end());
  const std::string eleven(11, '\xff');  // 11 bytes with the continuation bit: no end within 64 bits
  SpillReader far = SpillReader::view(eleven.data(), eleven.size());
  EXPECT_THROW(far.get_varint(), std::logic_error);
  SpillReader near = SpillReader::view(eleven.data(), 9);
  EXPECT_THROW(near.get_varint(), std::logic_error);
  std::filesystem::remove(file);

  const auto rows = temp_file("skip.bin");
  {
    SpillWriter w(rows, 64);
    for (int i = 0; i < 50; ++i) {
      TxnRec t;
      t.pos = {1, 1000000u + static_cast<std::uint64_t>(i)};
      const std::string id = "t" + std::to_string(i), purpose(static_cast<std::size_t>(i) * 7, 'p');
      t.id = id;
      t.purpose = purpose;
      t.write(w);
    }
    w.flush();
  }
  SpillReader a = SpillReader::open(rows), b = SpillReader::open(rows), c = SpillReader::open(rows);
  while (!a.at_end()) {
    TxnRec t = TxnRec::read_numbers(a);
    TxnRec::read_texts(a, t);
    const TxnRec u = TxnRec::read_numbers(b);
    TxnRec::skip_texts(b);
    EXPECT_EQ(u.pos, t.pos);
    EXPECT_EQ(b.position(), a.position());
    EXPECT_EQ(TxnRec::read_numbers(c).pos, t.pos);
    // row_texts_at (no reader moved) reads the same texts from where they start, refuses a file
    // that ends within them, and says where they end.
    const char* at = c.cursor();
    const char* end = nullptr;
    const RowTexts x = TxnRec::row_texts_at(at, c.data() + c.size_bytes(), end);
    EXPECT_EQ(x.purpose, t.purpose);
    EXPECT_EQ(x.id, t.id);
    EXPECT_EQ(end, c.data() + a.position());
    const char* unused = nullptr;
    EXPECT_THROW(TxnRec::row_texts_at(at, end - 1, unused), std::logic_error);
    const RowTexts v = TxnRec::read_row_texts(c);
    EXPECT_EQ(v.id, t.id);
    EXPECT_EQ(v.counterpart_name, t.counterpart_name);
    EXPECT_EQ(v.counterpart_iban, t.counterpart_iban);
    EXPECT_EQ(v.purpose, t.purpose);
    EXPECT_EQ(c.position(), a.position());
  }
  EXPECT_TRUE(b.at_end());
  EXPECT_TRUE(c.at_end());
  std::filesystem::remove(rows);
}

TEST(Spill, KeysAndAccountsRoundTrip) {
  const auto file = temp_file("keys.bin");
  SpillWriter w(file, 1 << 20);
  IdKey{id_hash("a"), {2, 7}, true, false, "a", "a,b,c"}.write(w);
  AccountRec a;
  a.pos = {0, 3};
  a.id = "acc";
  a.user = "u\xc3\xa4";
  a.type = AccountType::loan;
  a.currency = {'E', 'U', 'R'};
  a.balance = INT64_MIN;
  a.balance_date = -5;
  a.balance_text = "-92233720368547758.08";
  a.write(w);
  w.flush();
  SpillReader r = SpillReader::open(file);
  const IdKey k = IdKey::read(r);
  EXPECT_EQ(k.hash, id_hash("a"));
  EXPECT_EQ(k.pos, (InputPos{2, 7}));
  EXPECT_TRUE(k.full);
  EXPECT_FALSE(k.parse_ok);
  EXPECT_EQ(k.raw, "a,b,c");
  const AccountRec b = AccountRec::read(r);
  EXPECT_EQ(b.user, "u\xc3\xa4");
  EXPECT_EQ(b.type, AccountType::loan);
  EXPECT_EQ(b.balance, INT64_MIN);
  EXPECT_EQ(b.balance_date, -5);
  EXPECT_EQ(b.balance_text, "-92233720368547758.08");
  EXPECT_TRUE(r.at_end());
  std::filesystem::remove(file);
}

// A key of a row spilled to its shard names the row's record instead of holding the id; past the
// spill file's first 4 GiB (the offset is spilled in 4 bytes) it holds the id again.
TEST(Spill, KeysOfSpilledRowsNameTheRowsRecord) {
  const auto file = temp_file("row-keys.bin");
  SpillWriter w(file, 1 << 20);
  IdKey in_row{id_hash("t1"), {1, 9}, true, true, "t1", ""};
  in_row.row_shard = 300;
  in_row.row_offset = UINT32_MAX;
  in_row.write(w);
  IdKey far = in_row;
  far.row_offset = std::uint64_t{UINT32_MAX} + 1;
  far.write(w);
  w.flush();
  SpillReader r = SpillReader::open(file);
  const IdKey a = IdKey::read(r);
  EXPECT_EQ(a.hash, id_hash("t1"));
  EXPECT_EQ(a.pos, (InputPos{0, 0}));  // read from the row's record, as the id
  EXPECT_TRUE(a.full && a.parse_ok);
  EXPECT_EQ(a.row_shard, 300);
  EXPECT_EQ(a.row_offset, UINT32_MAX);
  EXPECT_EQ(a.id, "");
  const IdKey b = IdKey::read(r);
  EXPECT_EQ(b.row_shard, -1);
  EXPECT_EQ(b.id, "t1");
  EXPECT_EQ(b.pos, (InputPos{1, 9}));
  EXPECT_TRUE(r.at_end());
  // The bucket scan lands where read() does and keeps the hash and parse_ok.
  r.seek(0);
  for (int k = 0; k < 2; ++k) {
    std::uint64_t hash = 0;
    bool parse_ok = false;
    IdKey::scan(r, hash, parse_ok);
    EXPECT_EQ(hash, id_hash("t1"));
    EXPECT_TRUE(parse_ok);
  }
  EXPECT_TRUE(r.at_end());
  std::filesystem::remove(file);
}

// The bucket scan reads a key through a raw cursor when its longest fixed part fits before the
// file's end, and through the checked reads otherwise: keys of every shape (in a row or holding
// its id, ids and raw records of many lengths, line numbers of one to ten varint bytes: the scan
// skips one of up to 8 bytes in one load) land where read() lands, with read()'s hash and
// parse_ok, also as the last keys of the file.
TEST(Spill, TheBucketScanLandsWhereReadDoesForKeysOfEveryShape) {
  const auto file = temp_file("scan-keys.bin");
  SpillWriter w(file, 1 << 20);
  std::vector<std::string> ids, raws;
  for (std::size_t n = 1; n <= 80; ++n) ids.push_back(std::string(n, static_cast<char>('a' + n % 26)));
  for (std::size_t n = 0; n <= 200; n += 7) raws.push_back(std::string(n, 'r'));
  std::size_t keys = 0;
  for (std::size_t i = 0; i < 600; ++i) {
    IdKey k{id_hash(ids[i % ids.size()]), {static_cast<std::uint32_t>(i % 3), std::uint64_t{1} << (i % 64)}, i % 2 == 0,
            i % 3 != 0, ids[i % ids.size()], raws[i % raws.size()]};
    if (i % 4 == 1) {
      k.row_shard = static_cast<std::int32_t>(i * 37);
      k.row_offset = i * 1000003;
    }
    k.write(w);
    ++keys;
  }
  w.flush();
  SpillReader a = SpillReader::open(file), b = SpillReader::open(file);
  for (std::size_t i = 0; i < keys; ++i) {
    const IdKey k = IdKey::read(a);
    std::uint64_t hash = 0;
    bool parse_ok = !k.parse_ok;
    IdKey::scan(b, hash, parse_ok);
    ASSERT_EQ(hash, k.hash) << "key " << i;
    ASSERT_EQ(parse_ok, k.parse_ok) << "key " << i;
    ASSERT_EQ(b.position(), a.position()) << "key " << i;
    ASSERT_EQ(k.raw, raws[i % raws.size()]) << "key " << i;  // an empty one is not spilled
  }
  EXPECT_TRUE(a.at_end());
  EXPECT_TRUE(b.at_end());
  std::filesystem::remove(file);
}

TEST(IdHash, DistinctIdsOfEveryLengthGetDistinctHashes) {
  std::set<std::uint64_t> seen;
  std::string id;
  for (int i = 0; i < 200000; ++i) {
    id = "u" + std::to_string(i) + std::string(static_cast<std::size_t>(i % 23), 'x');
    EXPECT_TRUE(seen.insert(id_hash(id)).second) << id;
  }
  EXPECT_NE(id_hash(""), id_hash(std::string(1, '\0')));
  EXPECT_NE(id_hash("abcdefgh"), id_hash(std::string_view("abcdefgh\0", 9)));  // the length counts
}

TEST(ProblemList, KeepsTheFirstInInputOrderAndADuplicateReasonWins) {
  auto comm = make_local_communicator();
  ProblemList list(3);
  for (std::uint64_t line : {90, 12, 40, 7, 300, 8}) list.add({{1, line}, false, problem(line, "bad amount")}, true);
  list.add({{1, 8}, true, problem(8, "duplicate transactionId, first at line 2")}, false);
  list.add({{0, 500}, false, problem(500, "accounts first")}, true);
  EXPECT_EQ(list.rows(), 7u);
  const auto first = list.gather_first(*comm);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].reason, "accounts first");
  EXPECT_EQ(first[1].line, 7u);
  EXPECT_EQ(first[2].line, 8u);
  EXPECT_EQ(first[2].reason, "duplicate transactionId, first at line 2");
}

// A record's texts are copied into the buffer by overlapping fixed-size copies up to 32 bytes (a
// memcpy beyond): every length around those sizes must come back byte for byte, and the bytes
// of the text before and after must be left as they were.
TEST(Spill, TextsOfEveryLengthThroughTheCursorComeBackExactly) {
  const auto file = temp_file("texts.bin");
  std::vector<std::string> texts;
  for (std::size_t n = 0; n <= 70; ++n) {
    std::string t(n, '\0');
    for (std::size_t i = 0; i < n; ++i) t[i] = static_cast<char>('a' + (n * 7 + i * 13) % 26);
    texts.push_back(t);
  }
  {
    SpillWriter w(file, 64);
    for (const std::string& t : texts) {
      SpillWriter::Cursor c = w.begin_record(3 * SpillWriter::kMaxVarintBytes + t.size() + 2);
      c.put(static_cast<std::uint8_t>('<'));
      c.put_text(t);
      c.put(static_cast<std::uint8_t>('>'));
      w.end_record(c);
    }
    w.flush();
  }
  SpillReader r = SpillReader::open(file);
  for (const std::string& t : texts) {
    EXPECT_EQ(r.get<std::uint8_t>(), '<');
    EXPECT_EQ(r.get_text(), t) << t.size();
    EXPECT_EQ(r.get<std::uint8_t>(), '>');
  }
  EXPECT_TRUE(r.at_end());
  std::filesystem::remove(file);
}

// id_hash is short_text_hash (core/text_hash.hpp), tested against its first form at every length
// in tests/unit/core/test_text_hash.cpp.
TEST(IdHash, IsTheShortTextHash) {
  for (const std::string_view id : {"", "u1", "u0000000-bsp-00003", "a-transaction-id-longer-than-32-bytes"})
    EXPECT_EQ(id_hash(id), short_text_hash(id)) << id;
}

// A row's labels are spilled as their low bytes up to the highest one set (0-8 bytes, the count in
// the flags byte) and read back by one 8-byte load far from the file's end, byte by byte near it:
// every width comes back exactly either way, with the fields around it, and a count over 8 is a bug.
TEST(Spill, LabelsOfEveryWidthRoundTripFarFromAndNearTheEnd) {
  const auto file = temp_file("labels.bin");
  std::vector<LabelSet> sets{0};
  for (int bit = 0; bit < 64; ++bit) {
    sets.push_back(LabelSet{1} << bit);
    sets.push_back((LabelSet{1} << bit) | 1);
    sets.push_back(~LabelSet{0} >> (63 - bit));
  }
  {
    SpillWriter w(file, 64);
    for (std::size_t i = 0; i < sets.size(); ++i) {
      TxnRec t;
      t.pos = {0, i};
      t.amount = -static_cast<Cents>(i);
      t.labels = sets[i];
      t.labels_empty = i % 2 == 0;
      t.write(w);  // no texts: the last rows' numbers end within 8 bytes of the file's end
    }
    w.flush();
  }
  SpillReader r = SpillReader::open(file);
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const TxnRec t = TxnRec::read(r);
    ASSERT_EQ(t.labels, sets[i]) << i;
    EXPECT_EQ(t.labels_empty, i % 2 == 0);
    EXPECT_EQ(t.pos.line, i);
    EXPECT_EQ(t.amount, -static_cast<Cents>(i));
  }
  EXPECT_TRUE(r.at_end());
  std::filesystem::remove(file);

  std::string bad(40, '\0');  // file 0, line 0, hash, date, amount 0, then flags with 9 label bytes
  bad[1 + 1 + 8 + 4 + 1] = static_cast<char>(9 << 1);
  SpillReader far = SpillReader::view(bad.data(), bad.size());
  EXPECT_THROW(TxnRec::read_numbers(far), std::logic_error);
  SpillReader near = SpillReader::view(bad.data(), 1 + 1 + 8 + 4 + 1 + 1 + 8);
  EXPECT_THROW(TxnRec::read_numbers(near), std::logic_error);
}
