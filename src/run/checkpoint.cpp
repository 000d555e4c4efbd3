#include "run/checkpoint.hpp"

#include "run/job_wire.hpp"
#include "core/errors.hpp"
#include "io/atomic_file.hpp"

#include <cereal/archives/binary.hpp>

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

std::vector<int> Checkpoint::load(const std::vector<ShardInfo>& shards, std::size_t jobs) const {
  std::vector<int> done;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir_, ec)) return done;
  for (std::size_t k = 0; k < shards.size(); ++k) {
    const int shard = static_cast<int>(k);
    const auto path = shard_file(shard);
    if (!std::filesystem::exists(path, ec)) continue;
    try {
      const auto why = mismatch(verify_partial_file(path), key_, shard, shards, jobs);
      if (why.empty()) {
        done.push_back(shard);
        continue;
      }
      std::fprintf(stderr, "finseg run: checkpoint %s does not belong to this run (%s); its shard is recomputed\n", path.c_str(), why.c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "finseg run: checkpoint %s cannot be used (%s); its shard is recomputed\n", path.c_str(), e.what());
    }
  }
  return done;
}

void Checkpoint::save(int shard, const ShardInfo& info, const std::vector<SegmentPartial>& partials) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);  // every rank may get here at once
  if (!std::filesystem::is_directory(dir_)) throw IoError("cannot create the checkpoint folder " + dir_.string() + ": " + ec.message());
  // No fsync: a file lost or torn by a machine crash fails its CRC on resume and is recomputed;
  // fsyncing each shard's file cost ~13 ms here (measured), more than writing it.
  write_file_atomic(shard_file(shard), encode_partial_file(key_, shard, info.checksum, partials), Sync::no_fsync);
}

std::vector<PartialFileRef> Checkpoint::finished_files(const std::vector<ShardInfo>& shards, std::size_t jobs) const {
  std::vector<PartialFileRef> files;
  files.reserve(shards.size());
  for (std::size_t k = 0; k < shards.size(); ++k) {
    const int shard = static_cast<int>(k);
    PartialFileRef ref{shard_file(shard), read_partial_header(shard_file(shard))};
    if (const auto why = mismatch(ref.header, key_, shard, shards, jobs); !why.empty())
      throw IoError("partial file " + ref.file.string() + ": " + why);
    files.push_back(std::move(ref));
  }
  return files;
}

void Checkpoint::describe(const std::string& json) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  write_file_atomic(dir_ / "run.json", json);
}

void Checkpoint::remove() const noexcept {
  if (key_.empty()) return;  // a run with nothing to compute has no checkpoint (and dir_ is .checkpoint/ itself)
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (ec) std::fprintf(stderr, "finseg run: could not remove the checkpoint %s: %s\n", dir_.c_str(), ec.message().c_str());
  std::filesystem::remove(dir_.parent_path(), ec);  // only when empty
}

}  // namespace finseg
