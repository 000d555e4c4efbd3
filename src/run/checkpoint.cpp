#include "run/checkpoint.hpp"

#include "run/job_wire.hpp"
#include "core/errors.hpp"
#include "io/atomic_file.hpp"

#include <cereal/archives/binary.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <sstream>
#include <system_error>

namespace finseg {

namespace {

constexpr const char* kFormat = "finseg-checkpoint-3";  // part of the run key: a new format never meets old files

// FNV-1a, 64 bit: a stable name for the run, not a security measure (jobIds are the secret).
std::uint64_t fnv1a(const std::string& bytes, std::uint64_t hash) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string shard_file_name(int shard) {
  char name[32];
  std::snprintf(name, sizeof name, "shard-%05d.part", shard);
  return name;
}

std::string part_file_name(int shard, const ShardUsers& users) {
  char name[96];
  std::snprintf(name, sizeof name, "shard-%05d.users-%llu-%llu.part", shard, static_cast<unsigned long long>(users.begin),
                static_cast<unsigned long long>(users.end));
  return name;
}

// Whether the parts (in order of their first user) are users [0, users) exactly, each once.
bool tiles(const std::vector<ShardUsers>& parts, std::uint64_t users) {
  std::uint64_t next = 0;
  for (const auto& p : parts) {
    if (p.begin != next || p.end <= p.begin) return false;
    next = p.end;
  }
  return !parts.empty() && next == users;
}

// Whether a header belongs to this run's shard `shard`; the reason when it does not.
std::string mismatch(const PartialFileHeader& h, const std::string& key, int shard, const std::vector<ShardInfo>& shards,
                     std::size_t jobs) {
  if (h.run_key != key) return "another run's file";
  if (h.shard != shard) return "holds shard " + std::to_string(h.shard);
  if (h.shard_checksum != shards[static_cast<std::size_t>(shard)].checksum) return "another version of the shard";
  if (h.jobs.size() != jobs) return "holds " + std::to_string(h.jobs.size()) + " jobs, the run has " + std::to_string(jobs);
  return "";
}

}  // namespace

std::string Checkpoint::run_key(const std::string& store_checksum, const std::vector<ShardInfo>& shards,
                                const std::vector<std::string>& job_ids, const std::vector<JobSpec>& jobs) {
  std::uint64_t h = 14695981039346656037ull;
  h = fnv1a(kFormat, h);
  h = fnv1a(store_checksum, h);
  for (const auto& s : shards) h = fnv1a(s.file + '\n' + s.checksum + '\n', h);
  h = fnv1a(to_bytes(job_ids), h);
  h = fnv1a(to_bytes(jobs), h);
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

Checkpoint::Checkpoint(const std::filesystem::path& results, std::string run_key)
    : key_(std::move(run_key)), dir_(results / ".checkpoint" / key_) {}

std::filesystem::path Checkpoint::shard_file(int shard) const { return dir_ / shard_file_name(shard); }

std::filesystem::path Checkpoint::part_file(int shard, ShardUsers users) const { return dir_ / part_file_name(shard, users); }

std::vector<std::vector<Checkpoint::Part>> Checkpoint::parts(std::size_t shards) const {
  std::vector<std::vector<Part>> out(shards);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    int shard = -1;
    unsigned long long begin = 0, end = 0;
    if (std::sscanf(name.c_str(), "shard-%d.users-%llu-%llu.part", &shard, &begin, &end) != 3) continue;
    // Only names this build writes (no sign, no leading zeros, nothing after): one name per part.
    if (shard < 0 || static_cast<std::size_t>(shard) >= shards || name != part_file_name(shard, {begin, end})) continue;
    out[static_cast<std::size_t>(shard)].push_back({{begin, end}, entry.path()});
  }
  for (auto& of_shard : out)
    std::sort(of_shard.begin(), of_shard.end(), [](const Part& a, const Part& b) { return a.users.begin < b.users.begin; });
  return out;
}

bool Checkpoint::usable(const std::filesystem::path& file, int shard, const std::vector<ShardInfo>& shards, std::size_t jobs) const {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return false;
  try {
    const auto why = mismatch(verify_partial_file(file), key_, shard, shards, jobs);
    if (why.empty()) return true;
    std::fprintf(stderr, "finseg run: checkpoint %s does not belong to this run (%s); its shard is recomputed\n", file.c_str(), why.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finseg run: checkpoint %s cannot be used (%s); its shard is recomputed\n", file.c_str(), e.what());
  }
  return false;
}

std::vector<int> Checkpoint::load(const std::vector<ShardInfo>& shards, std::size_t jobs) const {
  std::vector<int> done;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir_, ec)) return done;
  const auto parts_of = parts(shards.size());
  for (std::size_t k = 0; k < shards.size(); ++k) {
    const int shard = static_cast<int>(k);
    const bool whole = usable(shard_file(shard), shard, shards, jobs);
    std::vector<ShardUsers> good;
    if (!whole)
      for (const auto& p : parts_of[k])
        if (usable(p.file, shard, shards, jobs)) good.push_back(p.users);
    const bool in_parts = !whole && tiles(good, shards[k].users);
    if (!whole && !good.empty() && !in_parts)
      std::fprintf(stderr, "finseg run: checkpoint %s holds parts of shard %d, not all of it; the shard is recomputed\n",
                   dir_.c_str(), shard);
    // What is left is either the whole file or the parts; nothing of a shard that is recomputed.
    if (!whole) std::filesystem::remove(shard_file(shard), ec);
    if (!in_parts)
      for (const auto& p : parts_of[k]) std::filesystem::remove(p.file, ec);
    if (whole || in_parts) done.push_back(shard);
  }
  return done;
}

SavedFile Checkpoint::save(int shard, ShardUsers users, const ShardInfo& info, const std::vector<SegmentPartial>& partials) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);  // every rank may get here at once
  if (!std::filesystem::is_directory(dir_)) throw IoError("cannot create the checkpoint folder " + dir_.string() + ": " + ec.message());
  // No fsync: a file lost or torn by a machine crash fails its CRC on resume and is recomputed;
  // fsyncing each shard's file cost ~13 ms here (measured), more than writing it.
  users.end = std::min(users.end, info.users);
  const bool whole = users.begin == 0 && users.end == info.users;
  EncodedPartialFile encoded = encode_partial(key_, shard, info.checksum, partials);
  SavedFile saved{shard, users, {whole ? shard_file(shard) : part_file(shard, users), std::move(encoded.header)}};
  write_file_atomic(saved.ref.file, encoded.bytes, Sync::no_fsync);
  return saved;
}

// Each shard's whole file, or else its parts (load() left one or the other of a resumed shard,
// and a unit of this run wrote one or the other): the merge takes every file as a user range of
// its own, whatever the split (results/document_layout.hpp), so the documents do not depend on it.
std::vector<PartialFileRef> Checkpoint::finished_files(const std::vector<ShardInfo>& shards, std::size_t jobs) const {
  std::vector<int> all(shards.size());
  for (std::size_t k = 0; k < shards.size(); ++k) all[k] = static_cast<int>(k);
  std::vector<PartialFileRef> files;
  files.reserve(shards.size());
  for (auto& saved : saved_files(shards, jobs, all)) files.push_back(std::move(saved.ref));
  return files;
}

std::vector<SavedFile> Checkpoint::saved_files(const std::vector<ShardInfo>& shards, std::size_t jobs, const std::vector<int>& of) const {
  std::vector<SavedFile> files;
  std::error_code ec;
  const auto parts_of = parts(shards.size());
  const auto add = [&](const std::filesystem::path& file, int shard, ShardUsers users) {
    PartialFileRef ref{file, read_partial_header(file)};
    if (const auto why = mismatch(ref.header, key_, shard, shards, jobs); !why.empty())
      throw IoError("partial file " + ref.file.string() + ": " + why);
    files.push_back({shard, users, std::move(ref)});
  };
  for (const int shard : of) {
    const auto k = static_cast<std::size_t>(shard);
    const auto& parts = parts_of.at(k);
    std::vector<ShardUsers> users;
    for (const auto& p : parts) users.push_back(p.users);
    if (std::filesystem::exists(shard_file(shard), ec) || !tiles(users, shards[k].users)) {
      add(shard_file(shard), shard, {0, shards[k].users});  // missing: IoError naming the file
      continue;
    }
    for (const auto& p : parts) add(p.file, shard, p.users);
  }
  return files;
}

std::vector<PartialFileRef> Checkpoint::merge_order(std::vector<SavedFile> files, const std::vector<ShardInfo>& shards) {
  std::stable_sort(files.begin(), files.end(), [](const SavedFile& a, const SavedFile& b) {
    return a.shard != b.shard ? a.shard < b.shard : a.users.begin < b.users.begin;
  });
  std::vector<PartialFileRef> out;
  out.reserve(files.size());
  std::size_t i = 0;
  for (std::size_t k = 0; k < shards.size(); ++k) {
    std::vector<ShardUsers> users;
    for (std::size_t e = i; e < files.size() && files[e].shard == static_cast<int>(k); ++e) users.push_back(files[e].users);
    const bool whole = users.size() == 1 && users[0] == ShardUsers{0, shards[k].users};
    if (!whole && !tiles(users, shards[k].users))
      throw IoError("the merge has no partial files that cover shard " + std::to_string(k) + " (" + shards[k].file + ") exactly once");
    for (std::size_t n = 0; n < users.size(); ++n) out.push_back(std::move(files[i++].ref));
  }
  if (i != files.size()) throw IoError("a partial file of shard " + std::to_string(files[i].shard) + ", which the store does not hold");
  return out;
}

// Not fsynced, as the partial files beside it are not (save()): a machine crash may lose the note
// with them, and `finseg gc` then removes a checkpoint without one (nothing can resume it, and a
// rerun computes its shards again). Its file and folder fsyncs were two of the plan's four waits
// for the disk, one after the other (docs/performance.md 2.4.3).
void Checkpoint::describe(const std::string& json) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  write_file_atomic(dir_ / "run.json", json, Sync::no_fsync);
}

void Checkpoint::remove() const noexcept {
  if (key_.empty()) return;  // a run with nothing to compute has no checkpoint (and dir_ is .checkpoint/ itself)
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (ec) std::fprintf(stderr, "finseg run: could not remove the checkpoint %s: %s\n", dir_.c_str(), ec.message().c_str());
  std::filesystem::remove(dir_.parent_path(), ec);  // only when empty
}

}  // namespace finseg
