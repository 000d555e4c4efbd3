#include "ingest/import_dedup.hpp"

#include "parallel/collectives.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <tuple>

namespace cereal {
template <class Archive>
void serialize(Archive& ar, finseg::ingest::InputPos& p) {
  ar(p.file, p.line);
}
}  // namespace cereal

namespace finseg::ingest {

KeySpill::KeySpill(const ImportContext& ctx, std::string_view kind) {
  writers_.reserve(static_cast<std::size_t>(ctx.id_buckets));
  for (int b = 0; b < ctx.id_buckets; ++b) writers_.emplace_back(ctx.spill(kind, b, ctx.comm.rank()), ctx.spill_buffer);
}

void KeySpill::flush() {
  for (auto& w : writers_) w.flush();
}

namespace {

std::string duplicate_reason(const ImportContext& ctx, std::string_view column, const IdKey& first, const IdKey& later) {
  const std::string where = first.pos.file == later.pos.file ? "line " + std::to_string(first.pos.line)
                                                             : ctx.file_name(first.pos.file) + ":" + std::to_string(first.pos.line);
  return "duplicate " + std::string(column) + ", first at " + where;
}

// Rows of equal id hash, by id then input position: the first row of each id registers it, the
// later rows with the header's number of fields are its duplicates.
void settle_hash_group(ImportContext& ctx, std::string_view column, bool collect, const std::vector<const IdKey*>& group,
                       Duplicates& out) {
  for (std::size_t g = 0; g < group.size();) {
    std::size_t e = g + 1;
    while (e < group.size() && group[e]->id == group[g]->id) ++e;
    const IdKey& first = *group[g];
    if (collect && !first.parse_ok) out.first_rejected.push_back({std::string(first.id), first.pos});
    for (std::size_t k = g + 1; k < e; ++k) {
      const IdKey& later = *group[k];
      if (!later.full) continue;  // rejected for its field count already
      if (later.parse_ok) out.accepted_rows.push_back(later.pos);
      csv::Problem p{ctx.file_name(later.pos.file), later.pos.line, std::string(column), std::string(later.id),
                     duplicate_reason(ctx, column, first, later), std::string(later.raw)};
      ctx.problems.add(PlacedProblem{later.pos, true, std::move(p)}, later.parse_ok);
    }
    g = e;
  }
}

// Where a key is: its hash (what the bucket is sorted by) and its record in the spill file of
// rank `file` (decoded again only for a group of equal hashes, almost always a duplicate: the ids
// and positions of all other keys are never looked at). 16 bytes: the sort moves half of what
// it moved with the input position in the entry (32 bytes), which only a group of equal hashes
// needs, and compares one integer.
struct KeyEntry {
  std::uint64_t hash;
  std::uint32_t offset;
  std::uint32_t file : 31;
  std::uint32_t parse_ok : 1;
};
static_assert(sizeof(KeyEntry) == 16);

// The entries of a bucket and the sort's second array, kept from one bucket to the next: fresh
// memory for every bucket (two arrays of ~15 MB for 128 MiB of CSV, zeroed, faulted in page by
// page and given back) made the sort of the 10,000-user bank's buckets ~0.14 s of the phase's
// ~0.22 s at np=1, where its ~80 instructions per key take a fraction of that.
struct BucketMemory {
  std::vector<KeyEntry> entries;
  std::unique_ptr<KeyEntry[]> bins;
  std::size_t bins_size = 0;
};

// Insertion sort by hash of a short run (the radix passes below leave runs of ~4 entries).
void insertion_sort_by_hash(KeyEntry* first, KeyEntry* last) noexcept {
  for (KeyEntry* i = first + 1; i < last; ++i) {
    const KeyEntry e = *i;
    KeyEntry* j = i;
    for (; j > first && (j - 1)->hash > e.hash; --j) *j = *(j - 1);
    *j = e;
  }
}

// A run left by the radix passes: short unless many hashes share their top bits (equal hashes,
// one id many times, cost the insertion sort nothing), which std::sort then bounds.
void sort_run(KeyEntry* first, KeyEntry* last) {
  if (last - first <= 64)
    insertion_sort_by_hash(first, last);
  else
    std::sort(first, last, [](const KeyEntry& a, const KeyEntry& b) { return a.hash < b.hash; });
}

// One counting pass: the entries of [from, from + n) into `to` by the `bits` bits of the hash
// below bit `shift`, stably; `counts` gets each bin's size (2^bits of them).
void scatter_by_bits(const KeyEntry* from, std::size_t n, KeyEntry* to, int shift, int bits, std::vector<std::size_t>& counts) {
  const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  counts.assign(std::size_t{1} << bits, 0);
  for (std::size_t i = 0; i < n; ++i) ++counts[(from[i].hash >> shift) & mask];
  std::vector<std::size_t> next(counts.size());
  for (std::size_t b = 0, at = 0; b < counts.size(); at += counts[b++]) next[b] = at;
  for (std::size_t i = 0; i < n; ++i) to[next[(from[i].hash >> shift) & mask]++] = from[i];
}

// Sorts by hash, most significant bits first, each pass within the caches: the top 8 bits cut
// the bucket into 256 bins (256 write streams), each bin (~1/256 of a bucket: ~4,600 entries,
// 75 KB, for 128 MiB of CSV) is cut again by the next bits into runs of ~4 entries, which an
// insertion sort finishes. One pass into ~N/256 bins before (thousands of write streams: a cache
// and TLB miss per entry) and std::sort of each 256-entry run took ~3x as long (10 buckets of
// 950,000 random hashes: 0.58 s against 0.21 s). Entries of equal hash may end in any order:
// their group is ordered by id and input position when it is decoded again.
void sort_by_hash(std::vector<KeyEntry>& entries, BucketMemory& mem) {
  constexpr std::size_t kRun = 4;
  if (entries.size() <= kRun) {
    sort_run(entries.data(), entries.data() + entries.size());
    return;
  }
  if (mem.bins_size < entries.size()) {
    mem.bins.reset();
    mem.bins.reset(new KeyEntry[entries.size()]);  // not zeroed: every entry is written before it is read
    mem.bins_size = entries.size();
  }
  KeyEntry* const bins = mem.bins.get();
  std::vector<std::size_t> top, sub;
  scatter_by_bits(entries.data(), entries.size(), bins, 56, 8, top);
  for (std::size_t b = 0, at = 0; b < top.size(); at += top[b++]) {
    const std::size_t n = top[b];
    KeyEntry* const out = entries.data() + at;
    int bits = 0;
    while (bits < 12 && (kRun << bits) < n) ++bits;
    if (bits == 0) {
      std::copy(bins + at, bins + at + n, out);
      sort_run(out, out + n);
      continue;
    }
    scatter_by_bits(bins + at, n, out, 56 - bits, bits, sub);
    for (std::size_t s = 0, run = 0; s < sub.size(); run += sub[s++]) sort_run(out + run, out + run + sub[s]);
  }
}

// The ids and positions of keys spilled without them (IdKey::row_shard): read from the rows' records in the
// shards' spill files (kept until the shards phase), each file mapped once per bucket when a
// group of equal hashes first needs it; the views stay valid as long as this object.
class RowIds {
 public:
  explicit RowIds(const ImportContext& ctx) : ctx_(ctx) {}
  // The key's id and position, from its row's record.
  void fill(IdKey& key, std::uint32_t rank) {
    auto [it, added] = files_.try_emplace({key.row_shard, rank});
    if (added) it->second = SpillReader::open(ctx_.spill("txn-rows", key.row_shard, static_cast<int>(rank)));
    SpillReader& in = it->second;
    in.seek(static_cast<std::size_t>(key.row_offset));
    const TxnRec row = TxnRec::read(in);
    key.id = row.id;
    key.pos = row.pos;
  }

 private:
  const ImportContext& ctx_;
  std::map<std::pair<std::int32_t, std::uint32_t>, SpillReader> files_;
};

// One bucket: every rank's keys of it, sorted by hash, each group of equal hashes by id then
// input position; the first of each id registers it, the later full rows are duplicates.
void check_bucket(ImportContext& ctx, std::string_view kind, std::string_view column, int bucket, bool collect,
                  BucketMemory& mem, Duplicates& out) {
  std::vector<SpillReader> files;
  std::size_t key_bytes = 0;
  for (int r = 0; r < ctx.comm.size(); ++r) {
    files.push_back(SpillReader::open(ctx.spill(kind, bucket, r)));
    if (files.back().size_bytes() > UINT32_MAX) throw std::runtime_error("import: a duplicate-check spill file over 4 GiB");
    key_bytes += files.back().size_bytes();
  }
  // As many entries as keys at most: a key is at least 13 bytes (hash 8, flags, two varints and a
  // one-byte id with its length, or a row's place of 5 bytes; raw only when a rejects file is
  // written), ~14 in practice. Reserved, the vector is not copied while it grows (twice its size while it
  // was, and a copy of every entry).
  constexpr std::size_t kMinKeyBytes = 13;
  std::vector<KeyEntry>& entries = mem.entries;
  entries.clear();
  entries.reserve(key_bytes / kMinKeyBytes);
  for (std::size_t r = 0; r < files.size(); ++r) {
    SpillReader& in = files[r];
    while (!in.at_end()) {
      const auto offset = static_cast<std::uint32_t>(in.position());
      std::uint64_t hash = 0;
      bool parse_ok = false;
      IdKey::scan(in, hash, parse_ok);
      entries.push_back({hash, offset, static_cast<std::uint32_t>(r) & 0x7fffffffu, parse_ok ? 1u : 0u});
    }
  }
  sort_by_hash(entries, mem);
  RowIds row_ids(ctx);
  std::vector<IdKey> keys;
  std::vector<const IdKey*> group;
  for (std::size_t g = 0; g < entries.size();) {
    std::size_t e = g + 1;
    while (e < entries.size() && entries[e].hash == entries[g].hash) ++e;
    if (e - g > 1) {  // equal hashes: the keys decoded again, split by id in input order
      keys.clear();
      for (std::size_t k = g; k < e; ++k) {
        SpillReader& in = files[entries[k].file];
        in.seek(entries[k].offset);
        keys.push_back(IdKey::read(in));
        if (keys.back().row_shard >= 0) row_ids.fill(keys.back(), entries[k].file);
      }
      group.clear();
      for (const IdKey& k : keys) group.push_back(&k);
      std::sort(group.begin(), group.end(), [](const IdKey* x, const IdKey* y) { return std::tie(x->id, x->pos) < std::tie(y->id, y->pos); });
      settle_hash_group(ctx, column, collect, group, out);
    } else if (collect && !entries[g].parse_ok) {  // a single key: only a first rejected row is kept
      SpillReader& in = files[entries[g].file];
      in.seek(entries[g].offset);
      const IdKey k = IdKey::read(in);
      out.first_rejected.push_back({std::string(k.id), k.pos});
    }
    g = e;
  }
}

}  // namespace

Duplicates find_duplicates(ImportContext& ctx, std::string_view kind, std::string_view column, bool collect_first_rejected) {
  Duplicates mine;  // the buckets of this rank; every rank's keys are flushed (the step before agreed)
  agree(ctx, static_cast<std::uint64_t>(ctx.comm.rank()), [&] {
    BucketMemory mem;
    for (int b = ctx.comm.rank(); b < ctx.id_buckets; b += ctx.comm.size()) {
      check_bucket(ctx, kind, column, b, collect_first_rejected, mem, mine);
      for (int r = 0; r < ctx.comm.size(); ++r) std::filesystem::remove(ctx.spill(kind, b, r));
      if (mine.first_rejected.size() > 2 * ctx.keep() + 64) {
        std::sort(mine.first_rejected.begin(), mine.first_rejected.end(), [](auto& x, auto& y) { return x.pos < y.pos; });
        mine.first_rejected.resize(ctx.keep());
      }
    }
  });
  Duplicates all;
  for (auto& part : all_gather_values(ctx.comm, mine.accepted_rows))
    all.accepted_rows.insert(all.accepted_rows.end(), part.begin(), part.end());
  std::sort(all.accepted_rows.begin(), all.accepted_rows.end());
  if (!collect_first_rejected) return all;
  // The first `keep` in input order: enough for every reason that can be listed (ImportContext).
  for (auto& part : all_gather_values(ctx.comm, mine.first_rejected))
    all.first_rejected.insert(all.first_rejected.end(), part.begin(), part.end());
  std::sort(all.first_rejected.begin(), all.first_rejected.end(), [](auto& a, auto& b) { return a.pos < b.pos; });
  if (all.first_rejected.size() > ctx.keep()) all.first_rejected.resize(ctx.keep());
  std::sort(all.first_rejected.begin(), all.first_rejected.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return all;
}

}  // namespace finseg::ingest
