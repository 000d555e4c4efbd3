// TransactionStream (h5_shard.hpp): a shard's transaction columns decoded chunk by chunk into a
// window that every job scans block by block, each chunk checked before it is used.
#include "store/h5_shard_reader.hpp"

#include "core/cpu_features.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace finseg::h5 {

namespace {

// One transaction dataset of a TransactionStream: a window of values [base, decoded) decoded
// chunk by chunk into a small buffer that is reused (the chunks a block needs, plus the part of
// the previous block's last chunk the next block starts in).
struct StreamColumn {
  // What the values must satisfy before the kernels use them (shard_structure_problem's checks).
  enum class Check { none, dates, labels, offsets, name_ids } check = Check::none;
  ShardReader::Opened opened;
  std::string what;  // "dataset <path>"
  hid_t mem_type = H5I_INVALID_HID;
  std::size_t size = 0;                    // bytes per value
  std::optional<DirectReader::Plan> plan;  // none: H5Dread reads the whole dataset at first use
  std::vector<unsigned char> window;       // values [base, decoded)
  std::uint64_t base = 0;
  std::uint64_t decoded = 0;  // values decoded so far (all of them checked)
  std::int64_t last_offset = 0;  // Check::offsets: the last value checked (the next chunk's predecessor)
  std::uint64_t limit = 0;       // Check::offsets: the string bytes' length, which no offset may pass
  // A [shuffle, lz4] numeric column the window keeps shuffled, a whole chunk per chunk: each block
  // unshuffles its values straight into the block (TransactionStream::block; a string column's
  // offsets into StringStream::taken, before its bytes are covered) and checks them there, before
  // any kernel sees them. `checked`: the values checked so far.
  // Its window is a ring of `slots` whole chunks, chunk k in slot k % slots: the chunks a block
  // has left behind are overwritten in place, nothing is moved (moving the rest of the window to
  // its start at every chunk's end copied every decoded byte once more: 227 MB in a run of the
  // 10,000-user bank, 3.5-4.4 % of its perf samples). The ring grows when a block spans more chunks.
  bool shuffled = false;
  std::uint64_t checked = 0;
  std::size_t slots = 0;
  std::uint64_t n() const noexcept { return opened.n; }
  std::size_t chunk_bytes() const noexcept { return static_cast<std::size_t>(plan->per_chunk) * size; }
  // A shuffled column's chunk `index` (decoded, not dropped) in the ring.
  unsigned char* slot(std::uint64_t index) noexcept {
    return window.data() + static_cast<std::size_t>(index % slots) * chunk_bytes();
  }
  template <class T>
  const T* at(std::uint64_t i) const noexcept {
    return reinterpret_cast<const T*>(window.data() + static_cast<std::size_t>(i - base) * size);
  }
};

struct StringStream {
  std::string base;  // "/transactions/counterpart_name"
  StreamColumn offsets;
  StreamColumn bytes;
  StringColumn ShardData::*member;
  // Offsets kept shuffled: those of the last transactions covered, [t0, t1], unshuffled and
  // checked (TransactionStream::block hands the buffer to the block's column and takes its old one).
  std::vector<std::int64_t> taken;
  std::int64_t first = 0, last = 0;  // offsets t0 and t1 of the last transactions covered, checked
};

// The value checks' reductions (every date, label set and name id of a shard passes them):
// plain loops the compiler vectorises, compiled a second time for AVX2 and taken when the CPU
// has it (without SSE4.1 the dates' min/max stayed a scalar cmov loop: ~45 % of take_shuffled's
// samples under perf).
struct Reductions {
  [[gnu::always_inline]] static void day_range(const Day* d, std::size_t n, Day& lo, Day& hi) noexcept {
    Day l = lo, h = hi;
    for (std::size_t i = 0; i < n; ++i) {
      l = d[i] < l ? d[i] : l;
      h = d[i] > h ? d[i] : h;
    }
    lo = l, hi = h;
  }
  [[gnu::always_inline]] static LabelSet any_bit(const LabelSet* v, std::size_t n) noexcept {
    LabelSet any = 0;
    for (std::size_t i = 0; i < n; ++i) any |= v[i];
    return any;
  }
  [[gnu::always_inline]] static std::uint32_t largest(const std::uint32_t* v, std::size_t n) noexcept {
    std::uint32_t m = 0;
    for (std::size_t i = 0; i < n; ++i) m = v[i] > m ? v[i] : m;
    return m;
  }
};

#if defined(__x86_64__) && defined(__GNUC__)
#define FINSEG_STREAM_AVX2 1
__attribute__((target("avx2"))) void day_range_avx2(const Day* d, std::size_t n, Day& lo, Day& hi) noexcept {
  Reductions::day_range(d, n, lo, hi);
}
__attribute__((target("avx2"))) LabelSet any_bit_avx2(const LabelSet* v, std::size_t n) noexcept {
  return Reductions::any_bit(v, n);
}
__attribute__((target("avx2"))) std::uint32_t largest_avx2(const std::uint32_t* v, std::size_t n) noexcept {
  return Reductions::largest(v, n);
}
#endif

// The smallest and largest of `n` dates at `d`, folded into [lo, hi].
void day_range(const Day* d, std::size_t n, Day& lo, Day& hi) noexcept {
#if defined(FINSEG_STREAM_AVX2)
  if (cpu_has_avx2()) return day_range_avx2(d, n, lo, hi);
#endif
  Reductions::day_range(d, n, lo, hi);
}
LabelSet any_bit(const LabelSet* v, std::size_t n) noexcept {
#if defined(FINSEG_STREAM_AVX2)
  if (cpu_has_avx2()) return any_bit_avx2(v, n);
#endif
  return Reductions::any_bit(v, n);
}
std::uint32_t largest(const std::uint32_t* v, std::size_t n) noexcept {
#if defined(FINSEG_STREAM_AVX2)
  if (cpu_has_avx2()) return largest_avx2(v, n);
#endif
  return Reductions::largest(v, n);
}

template <class T>
void copy_values(const StreamColumn& c, std::uint64_t from, std::uint64_t to, std::vector<T>& out) {
  out.resize(static_cast<std::size_t>(to - from));
  if (to > from) std::memcpy(out.data(), c.at<T>(from), static_cast<std::size_t>(to - from) * sizeof(T));
}

}  // namespace

struct TransactionStream::State {
  State(hid_t file_, const ShardHeader& h, const Context& ctx) : file(file_), header(h), reader(file_, ctx) {}
  hid_t file;
  ShardHeader header;
  ShardReader reader;
  ColumnSet columns = 0;
  const ShardData* head = nullptr;
  std::vector<StringStream> strings;
  std::optional<StreamColumn> booking, amount, labels;
  // A format 2 shard's names: the dictionary read whole (handed to each window once), the ids
  // streamed as a numeric column.
  std::optional<StreamColumn> name_ids;
  StringColumn dict;
  std::uint64_t dict_serial = 0;
  std::vector<std::uint32_t> id_scratch;  // a block's ids when only the plain names are asked for
  // The numeric columns requested, in order (null when not).
  std::array<StreamColumn*, 4> numeric() noexcept {
    const auto at = [](std::optional<StreamColumn>& c) { return c ? &*c : nullptr; };
    return {at(booking), at(amount), at(labels), at(name_ids)};
  }
  Day first_day = 0, last_day = 0;
  bool any_day = false;
  LabelSet label_bits = 0;
  std::string anomaly;  // the first problem a chunk's check found
  // Nothing covered yet: the first block may start in the middle of the shard (a split unit of a
  // run, ShardStream's user range), and each column then starts at the chunk holding it.
  bool fresh = true;

  const ShardCounts& counts() const noexcept { return header.counts; }

  StreamColumn column(const std::string& path, hid_t mem_type, const Expected& expected,
                      std::optional<std::uint64_t> expected_n, StreamColumn::Check kind = StreamColumn::Check::none) {
    StreamColumn c;
    c.check = kind;
    c.opened = expected_n ? reader.open(path, expected, *expected_n) : reader.open(path, expected);
    c.what = "dataset " + path;
    c.mem_type = mem_type;
    c.size = expected.size;
    c.plan = reader.direct().plan(c.opened.dataset.get(), c.opened.type.get(), mem_type, c.n(), c.what);
    // String offsets too: each block unshuffles and checks its own before the bytes are covered.
    c.shuffled = c.plan && c.plan->chain == DirectReader::Chain::shuffle_lz4;
    return c;
  }

  void add_strings(const char* base, StringColumn ShardData::*member) {
    StringStream s;
    s.base = base;
    s.member = member;
    s.offsets = column(s.base + L::kOffsetsSuffix, H5T_NATIVE_INT64, kI64, counts().transactions + 1,
                       StreamColumn::Check::offsets);
    s.offsets.limit = 0;  // set below, once the bytes' length is known
    // The bytes' length is checked against the last offset when the stream ends (finish()).
    s.bytes = column(s.base + L::kBytesSuffix, H5T_NATIVE_UINT8, kU8, std::nullopt);
    s.offsets.limit = std::min<std::uint64_t>(s.bytes.n(), INT64_MAX);
    strings.push_back(std::move(s));
  }

  // Before anything of `c` is covered: its window starts at the chunk holding `from`, so a stream
  // starting at a later user decodes none of the chunks before. The values before `from` in that
  // chunk are checked as any other (the kernels never see them); the first one has no
  // predecessor to follow, so an offset is only held to be >= 0 and within the bytes there.
  static void seek(StreamColumn& c, std::uint64_t from) {
    if (!c.plan || c.decoded > 0) return;  // a column HDF5 reads whole is read whole
    const std::uint64_t first = std::min(from, c.n()) / c.plan->per_chunk * c.plan->per_chunk;
    c.base = c.decoded = c.checked = first;
    c.last_offset = 0;
  }

  // The window of `c` made to hold values [from, to) (to at most all): the chunks before the one
  // holding `from` dropped, the missing ones decoded and checked.
  void cover(StreamColumn& c, std::uint64_t from, std::uint64_t to, const StringStream* s = nullptr) {
    to = std::min(to, c.n());
    if (c.plan) {
      const std::uint64_t keep = std::min(from / c.plan->per_chunk * c.plan->per_chunk, c.decoded);
      if (keep > c.base) {
        if (!c.shuffled) {  // a plain column's window is contiguous: its rest moves to the start
          const auto dropped = static_cast<std::size_t>(keep - c.base) * c.size;
          std::memmove(c.window.data(), c.window.data() + dropped, static_cast<std::size_t>(c.decoded - keep) * c.size);
        }
        c.base = keep;
      }
    }
    while (c.decoded < to) {
      const std::uint64_t first = c.decoded;
      if (c.plan && c.shuffled) {
        const std::uint64_t count = std::min(c.plan->per_chunk, c.n() - first);
        const std::uint64_t index = first / c.plan->per_chunk;
        grow_ring(c, static_cast<std::size_t>(index - c.base / c.plan->per_chunk + 1));
        if (reader.direct().read_chunk_shuffled(*c.plan, index, c.slot(index))) {
          c.decoded = first + count;  // checked when a block takes them
          continue;
        }
      } else if (c.plan) {
        const std::uint64_t count = std::min(c.plan->per_chunk, c.n() - first);
        const auto needed = static_cast<std::size_t>(first + count - c.base) * c.size;
        if (c.window.size() < needed) c.window.resize(needed);  // grows to a few chunks, then stays
        if (reader.direct().read_chunk(*c.plan, first / c.plan->per_chunk, c.window.data() + (needed - count * c.size))) {
          c.decoded = first + count;
          check_new(c, first, s);
          continue;
        }
      }
      // A chain or chunk the direct reader leaves to HDF5: the whole column at once, kept.
      // (A shuffled column's ring is dropped: HDF5 unshuffles; its unchecked values are those
      // from `checked` on, checked below from the whole column.)
      c.slots = 0;
      c.window.resize(static_cast<std::size_t>(c.n()) * c.size);
      check(H5Dread(c.opened.dataset.get(), c.mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.window.data()),
            reader.context(), "reading " + c.what);
      c.plan.reset();
      c.base = 0;
      c.decoded = c.n();
      // A column kept shuffled so far is checked from its first unchecked value on.
      check_new(c, c.shuffled ? c.checked : first, s);
      if (c.shuffled) c.checked = c.n();
      c.shuffled = false;
    }
  }

  // The ring of a shuffled column made to hold at least `live` chunks (those from `base` to the one
  // about to be decoded): a larger ring, the live chunks copied into their new slots.
  static void grow_ring(StreamColumn& c, std::size_t live) {
    if (live <= c.slots) return;
    std::vector<unsigned char> ring(live * c.chunk_bytes());
    const std::uint64_t first = c.base / c.plan->per_chunk;
    const std::uint64_t end = (c.decoded + c.plan->per_chunk - 1) / c.plan->per_chunk;
    for (std::uint64_t k = first; k < end; ++k)
      std::memcpy(ring.data() + static_cast<std::size_t>(k % live) * c.chunk_bytes(), c.slot(k), c.chunk_bytes());
    c.window.swap(ring);
    c.slots = live;
  }

  // The checks shard_structure_problem makes, on the values [from, decoded) just decoded: the
  // kernels may use them once this passes. Sets `anomaly` on the first problem.
  void check_new(StreamColumn& c, std::uint64_t from, const StringStream* s) {
    const std::uint64_t to = c.decoded;
    if (from == to) return;
    if (c.check == StreamColumn::Check::dates || c.check == StreamColumn::Check::labels ||
        c.check == StreamColumn::Check::name_ids) {
      check_values(c, c.window.data() + static_cast<std::size_t>(from - c.base) * c.size, to - from);
    } else if (c.check == StreamColumn::Check::offsets && s) {
      check_offsets(c, c.at<std::int64_t>(from), from, to - from);
    }
  }

  // Offsets [from, from + count) of `c` at `o` (from: the first unchecked one, or one checked last
  // again): they start at 0, never decrease and stay within the bytes, so every string the
  // kernels take is inside the buffer. Branch-free, as offsets_problem.
  void check_offsets(StreamColumn& c, const std::int64_t* o, std::uint64_t from, std::uint64_t count) {
    const auto limit = static_cast<std::int64_t>(c.limit);
    bool bad = from == 0 && count > 0 && o[0] != 0;
    std::int64_t previous = from == 0 ? 0 : c.last_offset;
    for (std::uint64_t i = 0; i < count; ++i) {
      bad |= (o[i] < previous) | (o[i] > limit);
      previous = o[i];
    }
    c.last_offset = previous;
    if (bad && anomaly.empty()) anomaly = c.what + ": an offset out of order or beyond the bytes";
  }

  // The checks of a dates or labels column on `count` of its values at `p` (unaligned: a window's).
  void check_values(const StreamColumn& c, const unsigned char* p, std::uint64_t count) {
    if (count == 0) return;
    if (c.check == StreamColumn::Check::dates) {
      const Day* d = reinterpret_cast<const Day*>(p);
      Day lo = any_day ? first_day : d[0], hi = any_day ? last_day : d[0];
      day_range(d, static_cast<std::size_t>(count), lo, hi);
      first_day = lo, last_day = hi, any_day = true;
    } else if (c.check == StreamColumn::Check::labels) {
      const LabelSet* l = reinterpret_cast<const LabelSet*>(p);
      label_bits |= any_bit(l, static_cast<std::size_t>(count));
      const std::size_t names = header.labels.size();
      const LabelSet allowed = names >= 64 ? ~LabelSet{0} : (LabelSet{1} << names) - 1;
      if ((label_bits & ~allowed) && anomaly.empty()) anomaly = "a label bit beyond the taxonomy names";
    } else if (c.check == StreamColumn::Check::name_ids) {
      const std::uint32_t* v = reinterpret_cast<const std::uint32_t*>(p);
      if (largest(v, static_cast<std::size_t>(count)) >= dict.size() && anomaly.empty()) anomaly = "a counterpart name id beyond the dictionary";
    }
  }

  // Values [from, to) of a shuffled column (in its window) unshuffled to `out`, then checked.
  void take_shuffled(StreamColumn& c, std::uint64_t from, std::uint64_t to, unsigned char* out) {
    const std::uint64_t pc = c.plan->per_chunk;
    for (std::uint64_t i = from; i < to;) {
      const std::uint64_t chunk_first = i / pc * pc;
      const std::uint64_t end = std::min(to, chunk_first + pc);
      const unsigned char* chunk = c.slot(chunk_first / pc);
      unshuffle_values(chunk, static_cast<std::size_t>(pc), static_cast<std::size_t>(i - chunk_first),
                       static_cast<std::size_t>(end - i), c.size, out + static_cast<std::size_t>(i - from) * c.size);
      i = end;
    }
    if (c.check == StreamColumn::Check::offsets) {
      // A block's offsets overlap the last block's by one (its last is this one's first): only
      // the unchecked ones are checked, so that each follows its predecessor.
      const std::uint64_t unchecked = std::max(from, c.checked);
      if (unchecked < to)
        check_offsets(c, reinterpret_cast<const std::int64_t*>(out) + (unchecked - from), unchecked, to - unchecked);
    } else {
      check_values(c, out, to - from);
    }
    c.checked = std::max(c.checked, to);
  }

  // A shuffled column's values before `to` no block took (blocks skipped, or the stream's end),
  // checked through a scratch buffer.
  void check_untaken(StreamColumn& c, std::uint64_t to) {
    if (!c.shuffled || c.checked >= to) return;
    scratch.resize(static_cast<std::size_t>(to - c.checked) * c.size);
    take_shuffled(c, c.checked, to, scratch.data());
  }
  std::vector<unsigned char> scratch;

  // Transactions [t0, t1) of every requested column in the windows, checked (with their strings).
  void cover_transactions(std::uint64_t t0, std::uint64_t t1) {
    const bool first_cover = std::exchange(fresh, false);
    for (auto* c : numeric())
      if (c) {
        if (first_cover) seek(*c, t0);
        cover(*c, c->shuffled ? std::min(t0, c->checked) : t0, t1);  // a shuffled column keeps what is unchecked
        check_untaken(*c, t0);
      }
    for (auto& s : strings) {
      StreamColumn& o = s.offsets;
      if (first_cover) seek(o, t0);
      cover(o, o.shuffled ? std::min(t0, o.checked) : t0, t1 + 1, &s);
      if (o.shuffled) {
        check_untaken(o, t0);
        s.taken.resize(static_cast<std::size_t>(t1 + 1 - t0));
        take_shuffled(o, t0, t1 + 1, reinterpret_cast<unsigned char*>(s.taken.data()));
      }
      if (!anomaly.empty()) break;
      s.first = o.shuffled ? s.taken.front() : *o.at<std::int64_t>(t0);
      s.last = o.shuffled ? s.taken.back() : *o.at<std::int64_t>(t1);
      if (first_cover) seek(s.bytes, static_cast<std::uint64_t>(s.first));
      cover(s.bytes, static_cast<std::uint64_t>(s.first), static_cast<std::uint64_t>(s.last));
    }
    if (!anomaly.empty()) fail_whole();
  }

  // The checks read_strings makes before it reads a string column's bytes.
  void check_string_totals(const StringStream& s) {
    const std::int64_t total = s.last;  // the last offset: finish() covered [n, n]
    if (total < 0) fail(reader.context(), "dataset " + s.base + L::kOffsetsSuffix + " ends with a negative offset");
    reader.expect_length(s.base + L::kBytesSuffix, s.bytes.n(), static_cast<std::uint64_t>(total));
  }

  // A chunk failed a check: the shard is read again as read_shard_columns reads it, so that the
  // error is the one it reports (the first problem in its order, not in the order of chunks).
  [[noreturn]] void fail_whole() {
    ShardData whole;
    read_shard_columns(file, header, columns, reader.context(), whole);
    fail(reader.context(), "corrupt structure: " + anomaly);
  }
};

TransactionStream::TransactionStream(hid_t file, const ShardHeader& h, ColumnSet columns, const Context& ctx,
                                     ShardData& head)
    : state_(std::make_unique<State>(file, h, ctx)) {
  State& st = *state_;
  st.columns = columns;
  st.head = &head;
  clear_unread(columns & kHeadColumns, head);  // the transaction columns come in windows
  read_head_columns(st.reader, h.counts, columns, head);
  const std::string problem = shard_structure_problem(head, columns & kHeadColumns, h.counts, h.labels.size());
  if (!problem.empty()) fail(ctx, "corrupt structure: " + problem);
  const std::uint64_t n = h.counts.transactions;
  if (columns & kTransactionIds) st.add_strings(L::kTransactionId, &ShardData::transaction_id);
  if (columns & kBookingDate) st.booking = st.column(L::kBookingDate, H5T_NATIVE_INT32, kI32, n, StreamColumn::Check::dates);
  if (columns & kAmount) st.amount = st.column(L::kAmount, H5T_NATIVE_INT64, kI64, n);
  if (columns & kLabels) st.labels = st.column(L::kLabels, H5T_NATIVE_UINT64, kU64, n, StreamColumn::Check::labels);
  if ((columns & (kCounterpartName | kCounterpartNameIds)) && h.format_version < 2) {
    st.add_strings(L::kCounterpartName, &ShardData::counterpart_name);
  } else if (columns & (kCounterpartName | kCounterpartNameIds)) {
    read_name_dictionary(st.reader, st.dict);
    st.dict_serial = next_dictionary_serial();
    st.name_ids = st.column(L::kCounterpartNameId, H5T_NATIVE_UINT32, kU32, n, StreamColumn::Check::name_ids);
  }
  if (columns & kCounterpartIban) st.add_strings(L::kCounterpartIban, &ShardData::counterpart_iban);
  if (columns & kPurpose) st.add_strings(L::kPurpose, &ShardData::purpose);
}

TransactionStream::~TransactionStream() = default;

namespace {

// Strings [from, to) of `in` (offsets indexing `bytes`) as a column of their own.
void copy_strings(const StringColumn& in, std::size_t from, std::size_t to, StringColumn& out) {
  const auto& offsets = in.offsets();
  const std::int64_t first = offsets[from];
  auto& o = out.raw_offsets();
  o.resize(to - from + 1);
  for (std::size_t i = from; i <= to; ++i) o[i - from] = offsets[i] - first;
  auto& b = out.raw_bytes();
  b.assign(in.bytes().begin() + first, in.bytes().begin() + offsets[to]);
}

// Entries [from, to] of CSR offsets, made relative to the first.
void copy_offsets(const std::vector<std::int64_t>& in, std::size_t from, std::size_t to, std::vector<std::int64_t>& out) {
  out.resize(to - from + 1);
  for (std::size_t i = from; i <= to; ++i) out[i - from] = in[i] - in[from];
}

template <class T>
void copy_range(const std::vector<T>& in, std::size_t from, std::size_t to, std::vector<T>& out) {
  out.assign(in.begin() + static_cast<std::ptrdiff_t>(from), in.begin() + static_cast<std::ptrdiff_t>(to));
}

}  // namespace

void TransactionStream::block(std::size_t user_begin, std::size_t user_end, ShardData& w) {
  State& st = *state_;
  const ShardData& h = *st.head;
  if (user_begin > user_end || user_end > h.users()) throw std::logic_error("TransactionStream::block: bad user range");
  const auto a0 = static_cast<std::size_t>(h.user_account_offsets[user_begin]);
  const auto a1 = static_cast<std::size_t>(h.user_account_offsets[user_end]);
  const auto t0 = static_cast<std::uint64_t>(h.account_txn_offsets[a0]);
  const auto t1 = static_cast<std::uint64_t>(h.account_txn_offsets[a1]);
  st.cover_transactions(t0, t1);
  clear_unread(st.columns, w);
  copy_offsets(h.user_account_offsets, user_begin, user_end, w.user_account_offsets);
  copy_offsets(h.account_txn_offsets, a0, a1, w.account_txn_offsets);
  if (st.columns & kUserIds) copy_strings(h.user_id, user_begin, user_end, w.user_id);
  if (st.columns & kAccountIds) copy_strings(h.account_id, a0, a1, w.account_id);
  if (st.columns & kAccountMeta) {
    copy_range(h.account_type, a0, a1, w.account_type);
    copy_range(h.currency, a0, a1, w.currency);
    copy_range(h.balance, a0, a1, w.balance);
    copy_range(h.balance_date, a0, a1, w.balance_date);
  }
  const auto take = [&](StreamColumn& c, auto& out) {
    if (!c.shuffled) return copy_values(c, t0, t1, out);
    out.resize(static_cast<std::size_t>(t1 - t0));
    st.take_shuffled(c, t0, t1, reinterpret_cast<unsigned char*>(out.data()));
  };
  if (st.booking) take(*st.booking, w.booking_date);
  if (st.amount) take(*st.amount, w.amount);
  if (st.labels) take(*st.labels, w.labels);
  if (st.name_ids) {
    std::vector<std::uint32_t>& ids = (st.columns & kCounterpartNameIds) ? w.counterpart_name_id : st.id_scratch;
    take(*st.name_ids, ids);
    if (!st.anomaly.empty()) st.fail_whole();
    if (st.columns & kCounterpartNameIds) {
      if (w.counterpart_name_dict_serial != st.dict_serial) {  // the shard's first block
        w.counterpart_name_dict = st.dict;
        w.counterpart_name_dict_serial = st.dict_serial;
      }
      w.counterpart_names_by_id = true;
    }
    w.counterpart_name.clear();
    if (st.columns & kCounterpartName)
      for (const std::uint32_t id : ids) w.counterpart_name.push_back(st.dict[id]);
  } else if (st.columns & kCounterpartNameIds) {
    clear_name_ids(w);  // a format 1 shard: the plain names below
  }
  if (!st.anomaly.empty()) st.fail_whole();
  for (auto& s : st.strings) {
    StringColumn& out = w.*s.member;
    const std::int64_t first = s.first;
    auto& o = out.raw_offsets();
    if (s.offsets.shuffled) {
      o.swap(s.taken);  // unshuffled and checked already; the block's old buffer is the next one's
      for (auto& v : o) v -= first;
    } else {
      o.resize(static_cast<std::size_t>(t1 - t0 + 1));
      const std::int64_t* in = s.offsets.at<std::int64_t>(t0);
      for (std::size_t i = 0; i < o.size(); ++i) o[i] = in[i] - first;
    }
    auto& b = out.raw_bytes();
    b.resize(static_cast<std::size_t>(o.back()));
    if (!b.empty()) std::memcpy(b.data(), s.bytes.at<char>(static_cast<std::uint64_t>(first)), b.size());
  }
}

std::uint64_t TransactionStream::largest_chunk() const noexcept {
  const State& st = *state_;
  std::uint64_t largest = 0;
  const auto add = [&](const StreamColumn& c) { largest = std::max(largest, c.plan ? c.plan->per_chunk : c.n()); };
  for (const auto* c : state_->numeric())
    if (c) add(*c);
  for (const auto& s : st.strings) add(s.offsets);
  return largest;
}

DateRange TransactionStream::finish(bool at_shard_end) {
  State& st = *state_;
  if (!at_shard_end) {
    // A stream of a user range before the shard's end: every value a block took is checked, the
    // rest of the last chunk is the next range's; the string columns' lengths are checked by the
    // stream that reaches the end.
    if (!st.anomaly.empty()) st.fail_whole();
    if (!st.any_day) return {};
    return {st.first_day, st.last_day};
  }
  const std::uint64_t n = st.counts().transactions;
  st.cover_transactions(n, n);
  for (auto* c : st.numeric())
    if (c) st.check_untaken(*c, n);
  if (!st.anomaly.empty()) st.fail_whole();
  for (const auto& s : st.strings) st.check_string_totals(s);
  if (!st.any_day) return {};
  return {st.first_day, st.last_day};
}

}  // namespace finseg::h5
