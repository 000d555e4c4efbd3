#include "ingest/import_dedup.hpp"

#include "parallel/collectives.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <algorithm>
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

// One bucket: every rank's keys of it, sorted by id then input position; the first of each id
// registers it, the later full rows are duplicates.
void check_bucket(ImportContext& ctx, std::string_view kind, std::string_view column, int bucket, bool collect,
                  Duplicates& out) {
  std::vector<SpillReader> files;
  std::vector<IdKey> keys;
  for (int r = 0; r < ctx.comm.size(); ++r) {
    files.push_back(SpillReader::open(ctx.spill(kind, bucket, r)));
    while (!files.back().at_end()) keys.push_back(IdKey::read(files.back()));
  }
  // Sorted by (hash, position) through 24-byte entries, not the keys: equal ids have equal hashes,
  // and a group of equal hashes (almost always one id) is split by id in its first-seen order.
  struct Entry {
    std::uint64_t hash;
    InputPos pos;
    std::uint32_t key;
  };
  std::vector<Entry> order(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) order[i] = {keys[i].hash, keys[i].pos, static_cast<std::uint32_t>(i)};
  std::sort(order.begin(), order.end(), [](const Entry& a, const Entry& b) { return std::tie(a.hash, a.pos) < std::tie(b.hash, b.pos); });
  std::vector<const IdKey*> group;
  for (std::size_t g = 0; g < order.size();) {
    std::size_t e = g + 1;
    while (e < order.size() && order[e].hash == order[g].hash) ++e;
    group.clear();
    for (std::size_t k = g; k < e; ++k) group.push_back(&keys[order[k].key]);
    if (group.size() > 1)  // stable: each id's rows stay in input order
      std::stable_sort(group.begin(), group.end(), [](const IdKey* x, const IdKey* y) { return x->id < y->id; });
    settle_hash_group(ctx, column, collect, group, out);
    g = e;
  }
}

}  // namespace

Duplicates find_duplicates(ImportContext& ctx, std::string_view kind, std::string_view column, bool collect_first_rejected) {
  Duplicates mine;  // the buckets of this rank; every rank's keys are flushed (the step before agreed)
  agree(ctx, static_cast<std::uint64_t>(ctx.comm.rank()), [&] {
    for (int b = ctx.comm.rank(); b < ctx.id_buckets; b += ctx.comm.size()) {
      check_bucket(ctx, kind, column, b, collect_first_rejected, mine);
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
