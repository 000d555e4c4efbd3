// ShardStream (the run's read: block by block of users, the transactions decoded chunk by chunk
// into a window) gives exactly what read_shard gives, for every chunk size, filter chain and
// block size, and
// fails with exactly read_shard's error on a damaged shard: a flipped byte in a late chunk
// (Fletcher32) and structure damage behind valid checksums (offsets, label bits, dates), also
// when the damage lies after the chunks already handed to the kernels.
#include "core/errors.hpp"
#include "store/h5_shard.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <tuple>

namespace finseg {
namespace {

using test::ScratchDir;

// What `finseg run` reads for the six jobs of jobs/.
constexpr ColumnSet kRunColumns =
    kUserIds | kAccountIds | kAccountMeta | kBookingDate | kAmount | kLabels | kCounterpartNameIds;

// `d` with the counterpart names as a plain column (as `append` puts a streamed shard together).
ShardData plain(ShardData d) {
  if (!d.counterpart_names_by_id) return d;
  StringColumn names;
  for (std::size_t t = 0; t < d.counterpart_name_id.size(); ++t) names.push_back(d.counterpart_name_of(t));
  d.counterpart_name = names;
  d.counterpart_names_by_id = false;
  d.counterpart_name_dict.clear();
  d.counterpart_name_id.clear();
  d.counterpart_name_dict_serial = 0;
  return d;
}

// Appends window `w` (a shard of its own) to `all`: the shard put together again block by block.
void append(const ShardData& w, ShardData& all) {
  const auto strings = [](const StringColumn& from, StringColumn& to) {
    for (std::size_t i = 0; i < from.size(); ++i) to.push_back(from[i]);
  };
  const auto values = [](const auto& from, auto& to) { to.insert(to.end(), from.begin(), from.end()); };
  for (std::size_t u = 1; u < w.user_account_offsets.size(); ++u)
    all.user_account_offsets.push_back(all.user_account_offsets.back() + w.user_account_offsets[u] - w.user_account_offsets[u - 1]);
  for (std::size_t a = 1; a < w.account_txn_offsets.size(); ++a)
    all.account_txn_offsets.push_back(all.account_txn_offsets.back() + w.account_txn_offsets[a] - w.account_txn_offsets[a - 1]);
  strings(w.user_id, all.user_id);
  strings(w.account_id, all.account_id);
  values(w.account_type, all.account_type);
  values(w.currency, all.currency);
  values(w.balance, all.balance);
  values(w.balance_date, all.balance_date);
  strings(w.transaction_id, all.transaction_id);
  values(w.booking_date, all.booking_date);
  values(w.amount, all.amount);
  values(w.labels, all.labels);
  if (w.counterpart_names_by_id)
    for (std::size_t t = 0; t < w.counterpart_name_id.size(); ++t) all.counterpart_name.push_back(w.counterpart_name_of(t));
  else
    strings(w.counterpart_name, all.counterpart_name);
  strings(w.counterpart_iban, all.counterpart_iban);
  strings(w.purpose, all.purpose);
}

// Streams `info` (its users `users`) in blocks of `step` users (one window reused, as a run does)
// and puts the shard together again from the windows, appended to `all`; finishes the stream.
void stream_into(const ScratchDir& dir, const ShardInfo& info, const Taxonomy& taxonomy, ColumnSet columns,
                 std::size_t step, ShardUsers users, ShardData& all) {
  ShardData head, window;
  ShardStream s(dir.path(), taxonomy.groups(), info, columns, false, head, users);
  EXPECT_TRUE(head.amount.empty());  // never a whole transaction column
  const std::size_t end = std::min<std::size_t>(users.end, head.users());
  for (std::size_t b = users.begin; b < end; b += step) {
    s.block(b, std::min(b + step, end), window);
    append(window, all);
  }
  s.finish();
}

ShardData streamed(const ScratchDir& dir, const ShardInfo& info, const Taxonomy& taxonomy, ColumnSet columns,
                   std::size_t step, ShardUsers users = {}) {
  ShardData all;
  stream_into(dir, info, taxonomy, columns, step, users, all);
  return all;
}

// The shard streamed as a run's split units stream it: one stream per range of `cuts` (user
// indexes, 0 and the end included), put together again.
ShardData streamed_in_parts(const ScratchDir& dir, const ShardInfo& info, const Taxonomy& taxonomy, ColumnSet columns,
                            std::size_t step, const std::vector<std::uint64_t>& cuts) {
  ShardData all;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) stream_into(dir, info, taxonomy, columns, step, {cuts[i], cuts[i + 1]}, all);
  return all;
}

// The message of the StoreError read_shard throws for the shard, and ShardStream's, streamed in
// blocks of `step` users (the error may come at any block, or at finish()).
std::pair<std::string, std::string> errors_of(const ScratchDir& dir, const ShardInfo& info, const Taxonomy& taxonomy,
                                              ColumnSet columns, std::size_t step) {
  const auto whole = test::store_error_of([&] { read_shard(dir.path(), taxonomy.groups(), info, columns); });
  const auto stream = test::store_error_of([&] { streamed(dir, info, taxonomy, columns, step); });
  return {whole, stream};
}

TEST(ShardStream, EqualsReadShardForEveryChunkSizeFilterAndStep) {
  using F = ShardWriteOptions::Filter;
  using V = ShardWriteOptions::Hdf5Format;
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData data = test::synthetic_shard(12, 7, taxonomy);
  struct Case {
    std::uint64_t chunk;
    F filter;
    V format;
    bool dictionary = true;  // shard format 2 (names by id), else 1
  };
  const Case cases[] = {{7, F::shuffle_lz4, V::v110},           {1000, F::shuffle_lz4, V::v110},
                        {1000, F::lz4, V::v18},                 {1000, F::none, V::v110},
                        {1000, F::shuffle_deflate, V::v110},    {kDefaultChunkElements, F::shuffle_lz4, V::v110},
                        {std::uint64_t{1} << 16, F::shuffle_lz4, V::v110},
                        {1000, F::shuffle_lz4, V::v110, false}, {7, F::lz4, V::v18, false}};
  for (const Case& c : cases) {
    SCOPED_TRACE("chunk " + std::to_string(c.chunk) + ", filter " + std::to_string(static_cast<int>(c.filter)) +
                 ", format " + std::to_string(static_cast<int>(c.format)) + ", dictionary " + std::to_string(c.dictionary));
    ScratchDir dir;
    ShardWriteOptions options;
    options.chunk_elements = c.chunk;
    options.filter = c.filter;
    options.hdf5_format = c.format;
    options.names_dictionary = c.dictionary;
    const ShardInfo info = write_shard(dir / "shard-00000.h5", data, taxonomy, options);
    ASSERT_GT(info.transactions, 3000u);
    for (const ColumnSet columns : {ColumnSet{kAllColumns}, kRunColumns, ColumnSet{kRunColumns | kCounterpartName},
                                    ColumnSet{kBookingDate | kAmount}})
      for (const std::size_t step : {std::size_t{1}, std::size_t{5}, std::size_t{1000}})
        EXPECT_EQ(streamed(dir, info, taxonomy, columns, step),
                  plain(read_shard(dir.path(), taxonomy.groups(), info, columns)));
    // A format 2 shard read for the run keeps the names by id; the plain names are the same.
    const ShardData by_id = read_shard(dir.path(), taxonomy.groups(), info, kRunColumns);
    EXPECT_EQ(by_id.counterpart_names_by_id, c.dictionary);
    EXPECT_EQ(plain(by_id).counterpart_name, data.counterpart_name);
  }
}

// A run's split units (users [b, e) of a shard each, docs/performance.md 2.3): the ranges put
// together are the shard, for every chunk size, filter chain, block size and cut, also cuts in
// the middle of a chunk and empty ranges.
TEST(ShardStream, RangesOfUsersTogetherEqualReadShard) {
  using F = ShardWriteOptions::Filter;
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData data = test::synthetic_shard(12, 7, taxonomy);
  for (const auto& [chunk, filter] : {std::pair{std::uint64_t{7}, F::shuffle_lz4}, std::pair{std::uint64_t{1000}, F::shuffle_lz4},
                                      std::pair{std::uint64_t{1000}, F::lz4}, std::pair{std::uint64_t{1000}, F::shuffle_deflate},
                                      std::pair{kDefaultChunkElements, F::shuffle_lz4}}) {
    for (const bool dictionary : {true, false}) {  // shard format 2 (names by id) and 1
      SCOPED_TRACE("chunk " + std::to_string(chunk) + ", filter " + std::to_string(static_cast<int>(filter)) +
                   ", dictionary " + std::to_string(dictionary));
      ScratchDir dir;
      ShardWriteOptions options;
      options.chunk_elements = chunk;
      options.filter = filter;
      options.names_dictionary = dictionary;
      const ShardInfo info = write_shard(dir / "shard-00000.h5", data, taxonomy, options);
      for (const ColumnSet columns : {ColumnSet{kAllColumns}, kRunColumns})
        for (const auto& cuts : {std::vector<std::uint64_t>{0, 3, 6, 9, 12}, std::vector<std::uint64_t>{0, 1, 11, 12},
                                 std::vector<std::uint64_t>{0, 5, 5, 12}})
          for (const std::size_t step : {std::size_t{1}, std::size_t{1000}})
            EXPECT_EQ(streamed_in_parts(dir, info, taxonomy, columns, step, cuts),
                      plain(read_shard(dir.path(), taxonomy.groups(), info, columns)));
    }
  }
}

TEST(ShardStream, EmptyShardAndUsersWithoutTransactions) {
  const Taxonomy taxonomy = test::default_taxonomy();
  ShardData data;
  data.add_user("u1");
  data.add_account("u1-a", AccountType::checking, test::cur("EUR"), 100, 20'000);
  data.add_user("u2");
  for (const ShardData& d : {ShardData{}, data}) {
    ScratchDir dir;
    const ShardInfo info = write_shard(dir / "shard-00000.h5", d, taxonomy);
    EXPECT_EQ(streamed(dir, info, taxonomy, kAllColumns, 1), read_shard(dir.path(), taxonomy.groups(), info));
  }
}

// The file offset of the chunk of `dataset` that holds element `element`.
std::uint64_t chunk_holding(const ScratchDir& dir, const ShardInfo& info, const std::string& dataset,
                            std::uint64_t element, std::uint64_t* bytes) {
  std::uint64_t offset = 0;
  for (const auto& c : shard_chunk_locations(dir.path(), info))
    if (c.dataset == dataset && c.first <= element) {
      offset = c.offset;
      *bytes = c.bytes;
    }
  return offset;
}

TEST(ShardStream, AFlippedByteInALateChunkIsReadShardsError) {
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData data = test::synthetic_shard(12, 7, taxonomy);
  const std::pair<const char*, bool> datasets[] = {
      {"/transactions/amount", true},
      {"/transactions/labels", true},
      {"/transactions/counterpart_name_id", true},
      {"/transactions/counterpart_name_dict_bytes", true},
      {"/transactions/counterpart_name_dict_offsets", true},
      {"/transactions/counterpart_name_bytes", false},  // format 1
      {"/transactions/counterpart_name_offsets", false}};
  for (const auto& [dataset, dictionary] : datasets) {
    SCOPED_TRACE(dataset);
    ScratchDir dir;
    ShardWriteOptions options;
    options.chunk_elements = 1000;
    options.names_dictionary = dictionary;
    const ShardInfo info = write_shard(dir / "shard-00000.h5", data, taxonomy, options);
    std::uint64_t bytes = 0;
    const std::uint64_t at = chunk_holding(dir, info, dataset, info.transactions - 1, &bytes);
    ASSERT_GT(bytes, 16u);
    std::string file = test::read_bytes(dir / "shard-00000.h5");
    file[at + bytes / 2] ^= 0x10;
    test::write_bytes(dir / "shard-00000.h5", file);
    const auto [whole, stream] = errors_of(dir, info, taxonomy, kRunColumns, 1);
    EXPECT_NE(whole.find("Fletcher32"), std::string::npos) << whole;
    EXPECT_EQ(stream, whole);
  }
}

// Writes `damaged` as shard 0 with valid checksums (past write_shard's own structure check)
// and returns the manifest entry of `good` (same counts and dates) with the file's size.
ShardInfo write_damaged(const ScratchDir& dir, const ShardData& good, const ShardData& damaged, const Taxonomy& taxonomy,
                        ShardWriteOptions options) {
  const auto aside = dir / "aside";
  std::filesystem::create_directory(aside);
  ShardInfo info = write_shard(aside / "shard-00000.h5", good, taxonomy, options);
  const auto file = dir / "shard-00000.h5";
  h5::prepare_library();
  h5::write_shard_file(file, damaged, taxonomy, options, h5::Context{"shard " + file.string(), h5::Failure::io});
  info.bytes = std::filesystem::file_size(file);
  return info;
}

using Damage = std::pair<const char*, std::function<void(ShardData&)>>;

// Structure damage behind valid checksums, in the first chunk (names say so) or the last.
std::vector<Damage> structure_damages(const ShardData& good) {
  const std::size_t late = good.transactions() - 10;
  return {
      {"a name offset decreases in the last chunk",
       [late](ShardData& d) { std::swap(d.counterpart_name.raw_offsets()[late], d.counterpart_name.raw_offsets()[late + 1]); }},
      {"a name offset beyond the bytes in the first chunk",
       [](ShardData& d) { d.counterpart_name.raw_offsets()[3] = static_cast<std::int64_t>(d.counterpart_name.bytes().size()) + 5; }},
      {"the names' bytes longer than their last offset",
       [](ShardData& d) { d.counterpart_name.raw_bytes().push_back('x'); }},
      {"the first name offset is not 0", [](ShardData& d) { d.counterpart_name.raw_offsets()[0] = 1; }},
      {"a label bit beyond the taxonomy in the last chunk", [late](ShardData& d) { d.labels[late] |= LabelSet{1} << 63; }},
      {"a booking date after the manifest's lastBooking", [late](ShardData& d) { d.booking_date[late] = 30'000; }},
  };
}

// `good` with `damage` as shard 0 of `dir`, in chunks of 1,000, without the date attributes (the
// dates are then checked from the data).
ShardInfo write_with(const ScratchDir& dir, const ShardData& good, const Damage& damage, const Taxonomy& taxonomy) {
  ShardData damaged = good;
  damage.second(damaged);
  ShardWriteOptions options;
  options.chunk_elements = 1000;
  options.record_dates = false;
  options.names_dictionary = false;  // format 1: the names' offsets and bytes as written
  return write_damaged(dir, good, damaged, taxonomy, options);
}

TEST(ShardStream, StructureDamageBehindValidChecksumsIsReadShardsError) {
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData good = test::synthetic_shard(12, 7, taxonomy);
  for (const auto& damage : structure_damages(good)) {
    SCOPED_TRACE(damage.first);
    ScratchDir dir;
    const ShardInfo info = write_with(dir, good, damage, taxonomy);
    for (const std::size_t step : {std::size_t{1}, std::size_t{1000}}) {
      const auto [whole, stream] = errors_of(dir, info, taxonomy, kRunColumns, step);
      EXPECT_FALSE(whole.empty());
      EXPECT_EQ(stream, whole);
    }
  }
}

// Store format 2: damage to the names' dictionary or ids behind valid checksums is a bad store
// naming the dataset, the same from the stream (a run) and read_shard (also for the plain names,
// what export reads); an id is checked before a name is taken with it.
TEST(ShardStream, NameDictionaryDamageIsReadShardsError) {
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData good = test::synthetic_shard(12, 7, taxonomy);
  const std::size_t late = good.transactions() - 10;
  const std::vector<std::tuple<const char*, std::function<void(h5::MemoryColumns&)>, std::string>> damages = {
      {"a name id beyond the dictionary in the last chunk",
       [&](h5::MemoryColumns& m) { m.name_ids[late] = static_cast<std::uint32_t>(m.name_dict.size()); },
       "transactions/counterpart_name_id: transaction " + std::to_string(late) + " has name id "},
      {"a name id beyond the dictionary in the first chunk",
       [](h5::MemoryColumns& m) { m.name_ids[3] = UINT32_MAX; }, "transactions/counterpart_name_id: transaction 3 has"},
      {"a dictionary offset decreases",
       [](h5::MemoryColumns& m) { m.name_dict.raw_offsets()[1] = m.name_dict.raw_offsets()[2] + 1; },
       "transactions/counterpart_name_dict: offsets decrease at entry 2"},
  };
  for (const auto& [what, damage, expected] : damages) {
    SCOPED_TRACE(what);
    ScratchDir dir;
    ShardWriteOptions options;
    options.chunk_elements = 1000;
    const auto aside = dir / "aside";
    std::filesystem::create_directory(aside);
    ShardInfo info = write_shard(aside / "shard-00000.h5", good, taxonomy, options);
    h5::MemoryColumns columns(good);
    ASSERT_GT(columns.name_dict.size(), 2u);
    damage(columns);
    const auto file = dir / "shard-00000.h5";
    h5::prepare_library();
    h5::write_shard_file(file, columns.columns, taxonomy, options, h5::Context{"shard " + file.string(), h5::Failure::io});
    info.bytes = std::filesystem::file_size(file);
    for (const ColumnSet names : {ColumnSet{kCounterpartNameIds}, ColumnSet{kCounterpartName}})
      for (const std::size_t step : {std::size_t{1}, std::size_t{1000}}) {
        const auto [whole, stream] = errors_of(dir, info, taxonomy, (kRunColumns & ~kCounterpartNameIds) | names, step);
        EXPECT_NE(whole.find(expected), std::string::npos) << whole;
        EXPECT_NE(whole.find("shard-00000.h5"), std::string::npos) << whole;
        EXPECT_EQ(stream, whole);
      }
  }
}

// A range reads only the chunks of its users' transactions: damage in the first chunk of the
// amounts fails the ranges that read it (Fletcher32, named as read_shard names it), not the ones
// after it.
TEST(ShardStream, ARangeReadsOnlyTheChunksOfItsUsers) {
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData data = test::synthetic_shard(12, 7, taxonomy);
  ScratchDir dir;
  ShardWriteOptions options;
  options.chunk_elements = 1000;
  const ShardInfo info = write_shard(dir / "shard-00000.h5", data, taxonomy, options);
  const auto first_txn_of = [&](std::size_t u) { return data.account_txn_offsets[static_cast<std::size_t>(data.user_account_offsets[u])]; };
  ASSERT_GE(first_txn_of(6), 1000) << "users 6.. start after the first chunk";
  std::uint64_t bytes = 0;
  const std::uint64_t at = chunk_holding(dir, info, "/transactions/amount", 0, &bytes);
  ASSERT_GT(bytes, 16u);
  std::string file = test::read_bytes(dir / "shard-00000.h5");
  file[at + bytes / 2] ^= 0x10;
  test::write_bytes(dir / "shard-00000.h5", file);
  const auto whole = test::store_error_of([&] { read_shard(dir.path(), taxonomy.groups(), info, kRunColumns); });
  EXPECT_NE(whole.find("Fletcher32"), std::string::npos) << whole;
  EXPECT_EQ(test::store_error_of([&] { streamed(dir, info, taxonomy, kRunColumns, 1, {0, 6}); }), whole);
  EXPECT_NO_THROW(streamed(dir, info, taxonomy, kRunColumns, 1, {6, 12}));
  EXPECT_NO_THROW(streamed(dir, info, taxonomy, kRunColumns, 1000, {6, 9}));
}

// Structure damage behind valid checksums, seen by a run's split units: the range holding it
// fails with read_shard's error (a date beyond the manifest's range with its own message: the
// exact first and last need the whole shard), the ranges that do not hold it pass; the names'
// bytes longer than their last offset fail the range that ends the shard.
TEST(ShardStream, StructureDamageFailsTheRangeThatHoldsIt) {
  const Taxonomy taxonomy = test::default_taxonomy();
  const ShardData good = test::synthetic_shard(12, 7, taxonomy);
  for (const auto& damage : structure_damages(good)) {
    const std::string what = damage.first;
    SCOPED_TRACE(what);
    ScratchDir dir;
    const ShardInfo info = write_with(dir, good, damage, taxonomy);
    const bool early = what.find("first") != std::string::npos;
    const ShardUsers holding = early ? ShardUsers{0, 3} : ShardUsers{9, 12}, other = early ? ShardUsers{9, 12} : ShardUsers{0, 6};
    const auto whole = test::store_error_of([&] { read_shard(dir.path(), taxonomy.groups(), info, kRunColumns); });
    const auto error = test::store_error_of([&] { streamed(dir, info, taxonomy, kRunColumns, 1, holding); });
    if (what.find("booking date") != std::string::npos)
      EXPECT_NE(error.find("lastBooking 2026-09-04, the shard's bookings reach from"), std::string::npos) << error;
    else
      EXPECT_EQ(error, whole);
    EXPECT_NO_THROW(streamed(dir, info, taxonomy, kRunColumns, 1, other));
  }
}

}  // namespace
}  // namespace finseg
