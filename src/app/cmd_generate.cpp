#include "app/args.hpp"
#include "parallel/on_every_rank.hpp"
#include "app/commands.hpp"
#include "app/store_options.hpp"
#include "gen/demo_bank.hpp"
#include "store/store.hpp"
#include "parallel/wire.hpp"
#include "store/store_wire.hpp"
#include "io/taxonomy_file.hpp"

#include <cereal/types/vector.hpp>

#include <chrono>
#include <cstdio>
#include <memory>

namespace finseg {

const CommandSpec& generate_spec() {
  static const CommandSpec spec = [] {
    CommandSpec s{"generate", "generate a demo bank (under mpirun each rank writes its shards)",
                  "The store is byte-identical at any rank count.", "",
                  {integer("users", "N", "customers", 1000, 1, 1'000'000'000),
                   integer("months", "M", "months of transactions", 25, 1, 240),
                   integer("seed", "S", "random seed", 42, 0, INT64_MAX),
                   integer("shards", "K", "shard files", 4, 1, 100000),
                   option("out", "STORE", "the store folder to create (never overwritten)").required(),
                   option("snapshot", "YYYY-MM-DD", "the store's snapshotDate").default_is(format_date(DemoBankParams{}.snapshot_date)),
                   option("taxonomy", "FILE", "label taxonomy").default_is("config/labels.json, or $FINSEG_TAXONOMY")}};
    for (auto& d : shard_write_option_defs()) s.options.push_back(std::move(d));
    return s;
  }();
  return spec;
}

int cmd_generate(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, generate_spec());
  DemoBankParams p;
  p.users = args.get_int("users");
  p.months = static_cast<int>(args.get_int("months"));
  p.seed = static_cast<std::uint64_t>(args.get_int("seed"));
  p.shards = static_cast<int>(args.get_int("shards"));
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
