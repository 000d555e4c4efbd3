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
  std::sort(keys.begin(), keys.end(), [](const IdKey& a, const IdKey& b) {
    return std::tie(a.hash, a.id, a.pos) < std::tie(b.hash, b.id, b.pos);
  });
  for (std::size_t g = 0; g < keys.size();) {
    std::size_t e = g + 1;
    while (e < keys.size() && keys[e].hash == keys[g].hash && keys[e].id == keys[g].id) ++e;
    const IdKey& first = keys[g];
    if (collect && !first.parse_ok) out.first_rejected.push_back({std::string(first.id), first.pos});
    for (std::size_t k = g + 1; k < e; ++k) {
      const IdKey& later = keys[k];
      if (!later.full) continue;  // rejected for its field count already
      if (later.parse_ok) out.accepted_rows.push_back(later.pos);
      csv::Problem p{ctx.file_name(later.pos.file), later.pos.line, std::string(column), std::string(later.id),
                     duplicate_reason(ctx, column, first, later), std::string(later.raw)};
      ctx.problems.add(PlacedProblem{later.pos, true, std::move(p)}, later.parse_ok);
    }
    g = e;
  }
}

}  // namespace

Duplicates find_duplicates(ImportContext& ctx, std::string_view kind, std::string_view column, bool collect_first_rejected) {
  ctx.comm.barrier();  // every rank's keys are flushed
  Duplicates mine;
  for (int b = ctx.comm.rank(); b < ctx.id_buckets; b += ctx.comm.size()) {
    check_bucket(ctx, kind, column, b, collect_first_rejected, mine);
    for (int r = 0; r < ctx.comm.size(); ++r) std::filesystem::remove(ctx.spill(kind, b, r));
    if (mine.first_rejected.size() > 2 * ctx.keep() + 64) {
      std::sort(mine.first_rejected.begin(), mine.first_rejected.end(), [](auto& x, auto& y) { return x.pos < y.pos; });
      mine.first_rejected.resize(ctx.keep());
    }
  }
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
