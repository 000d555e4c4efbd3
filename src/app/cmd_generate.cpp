#include "app/args.hpp"
#include "app/collective.hpp"
#include "app/commands.hpp"
#include "app/store_options.hpp"
#include "gen/demo_bank.hpp"
#include "io/store.hpp"
#include "io/store_cereal.hpp"
#include "io/taxonomy_file.hpp"

#include <cereal/types/vector.hpp>

#include <chrono>
#include <cstdio>
#include <memory>

namespace finseg {

int cmd_generate(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, {"users", "months", "seed", "shards", "out", "snapshot", "taxonomy", "compression", "deflate-level"}, {});
  DemoBankParams p;
  p.users = args.get_int("users", 1000, 1, 1'000'000'000);
  p.months = static_cast<int>(args.get_int("months", 25, 1, 240));
  p.seed = static_cast<std::uint64_t>(args.get_int("seed", 42, 0, INT64_MAX));
  p.shards = static_cast<int>(args.get_int("shards", 4, 1, 100000));
  if (const auto s = args.get("snapshot")) {
    const auto d = parse_date(*s);
    if (!d) throw UsageError("--snapshot '" + *s + "': " + describe_date_error(*s));
    p.snapshot_date = *d;
  }
  const std::filesystem::path out = args.require("out");
  const ShardWriteOptions write_options = shard_write_options(args);
  const Taxonomy taxonomy = load_taxonomy(args.get("taxonomy").value_or(default_taxonomy_path().string()));
  const auto start = std::chrono::steady_clock::now();

  // Rank 0 creates the temporary folder; every rank writes its shards (k = rank, rank + size, ...).
  std::unique_ptr<StoreBuilder> builder;
  on_every_rank(comm, [&] {
    if (comm.is_root()) builder = std::make_unique<StoreBuilder>(out);
  });
  const std::filesystem::path temp = comm.broadcast(comm.is_root() ? builder->temp_dir().string() : "", 0);
  if (!comm.is_root()) {
    builder = std::make_unique<StoreBuilder>(out, temp);
    builder->release();
  }
  std::vector<ShardInfo> mine;
  on_every_rank(comm, [&] {
    for (int k = comm.rank(); k < p.shards; k += comm.size())
      mine.push_back(builder->write(k, generate_demo_shard(p, k, taxonomy), taxonomy, write_options));
  });
  const auto parts = comm.gather(to_bytes(mine), 0);
  on_every_rank(comm, [&] {
    if (!comm.is_root()) return;
    StoreManifest manifest;
    manifest.shards.resize(static_cast<std::size_t>(p.shards));
    for (const auto& part : parts)
      for (auto& info : from_bytes<std::vector<ShardInfo>>(part)) {
        const int k = std::stoi(info.file.substr(6, 5));
        manifest.shards[static_cast<std::size_t>(k)] = std::move(info);
      }
    manifest.created_by = "finseg generate --users " + std::to_string(p.users) + " --months " +
                          std::to_string(p.months) + " --seed " + std::to_string(p.seed) + " --shards " +
                          std::to_string(p.shards) + " --snapshot " + format_date(p.snapshot_date);
    builder->commit(manifest);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto m = read_manifest(out);
    std::printf("generated %s: %llu users, %llu accounts, %llu transactions in %d shards (%.1f s, %.0f transactions/s, %d ranks)\n",
                out.c_str(), static_cast<unsigned long long>(m.users()), static_cast<unsigned long long>(m.accounts()),
                static_cast<unsigned long long>(m.transactions()), p.shards, secs,
                static_cast<double>(m.transactions()) / secs, comm.size());
  });
  return 0;
}

}  // namespace finseg
