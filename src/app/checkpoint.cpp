#include "app/checkpoint.hpp"

#include "app/job_wire.hpp"
#include "core/errors.hpp"
#include "io/atomic_file.hpp"

#include <cereal/archives/binary.hpp>

#include <cstdio>
#include <exception>
#include <map>
#include <sstream>
#include <system_error>

namespace finseg {

namespace {

constexpr const char* kFormat = "finseg-checkpoint-1";

// What one shard file holds. The key and checksum make a stray or stale file harmless.
struct ShardCheckpoint {
  std::string format;
  std::string run_key;
  int shard = -1;
  std::string shard_checksum;
  std::vector<SegmentPartial> partials;  // one per job, in the run's job order
  template <class Archive>
  void serialize(Archive& ar) {
    ar(format, run_key, shard, shard_checksum, partials);
  }
};

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
  std::snprintf(name, sizeof name, "shard-%05d.bin", shard);
  return name;
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

Checkpoint::Resumed Checkpoint::load(const std::vector<ShardInfo>& shards, std::size_t jobs) const {
  Resumed resumed;
  resumed.partials.resize(jobs);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir_, ec)) return resumed;
  std::map<int, std::filesystem::path> files;  // by shard: a deterministic order
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("shard-", 0) != 0 || entry.path().extension() != ".bin") continue;
    try {
      files.emplace(std::stoi(name.substr(6)), entry.path());
    } catch (const std::exception&) {
    }
  }
  for (const auto& [shard, path] : files) {
    try {
      auto saved = from_bytes<ShardCheckpoint>(read_file(path));
      const bool belongs = saved.format == kFormat && saved.run_key == key_ && saved.shard == shard && shard >= 0 &&
                           static_cast<std::size_t>(shard) < shards.size() &&
                           saved.shard_checksum == shards[static_cast<std::size_t>(shard)].checksum &&
                           saved.partials.size() == jobs;
      if (!belongs) {
        std::fprintf(stderr, "finseg run: checkpoint %s does not belong to this run; its shard is recomputed\n", path.c_str());
        continue;
      }
      for (std::size_t j = 0; j < jobs; ++j) resumed.partials[j].combine(std::move(saved.partials[j]));
      resumed.shards.push_back(shard);
    } catch (const std::logic_error&) {
      throw;  // a user in two shards: a bug, never hidden
    } catch (const std::exception& e) {
      std::fprintf(stderr, "finseg run: checkpoint %s cannot be read (%s); its shard is recomputed\n", path.c_str(), e.what());
    }
  }
  return resumed;
}

void Checkpoint::save(int shard, const ShardInfo& info, const std::vector<SegmentPartial>& partials) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);  // every rank may get here at once
  if (!std::filesystem::is_directory(dir_)) throw IoError("cannot create the checkpoint folder " + dir_.string() + ": " + ec.message());
  const ShardCheckpoint saved{kFormat, key_, shard, info.checksum, partials};
  write_file_atomic(dir_ / shard_file_name(shard), to_bytes(saved));
}

void Checkpoint::describe(const std::string& json) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  write_file_atomic(dir_ / "run.json", json);
}

void Checkpoint::remove() const noexcept {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (ec) std::fprintf(stderr, "finseg run: could not remove the checkpoint %s: %s\n", dir_.c_str(), ec.message().c_str());
  std::filesystem::remove(dir_.parent_path(), ec);  // only when empty
}

}  // namespace finseg
