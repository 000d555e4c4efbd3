#include "app/args.hpp"
#include "parallel/on_every_rank.hpp"
#include "app/commands.hpp"
#include "csv/csv_import.hpp"
#include "store/store.hpp"
#include "io/taxonomy_file.hpp"

#include <chrono>
#include <cstdio>

namespace finseg {

const CommandSpec& export_spec() {
  static const CommandSpec spec{"export", "write the store back to the CSV schema", "", "",
                                {option("store", "STORE", "the store folder").required(),
                                 option("csv", "DIR", "folder to write accounts.csv and transactions.csv into").required()}};
  return spec;
}

// The store's own taxonomy (recorded in its manifest) names the label bits.
int cmd_export(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, export_spec());
  const std::filesystem::path store = args.require("store");
  const std::filesystem::path csv = args.require("csv");
  on_every_rank(comm, [&] {
    if (!comm.is_root()) return;
    const auto start = std::chrono::steady_clock::now();
    const StoreManifest manifest = read_manifest(store);
    const Taxonomy taxonomy(manifest.label_groups);
    CsvExporter exporter(csv, taxonomy);
    for (const auto& shard : manifest.shards) exporter.append(read_shard(store, manifest.label_groups, shard));
    exporter.commit();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("exported %s to %s: %llu accounts, %llu transactions (%.2f s)\n", store.c_str(), csv.c_str(),
                static_cast<unsigned long long>(manifest.accounts()),
                static_cast<unsigned long long>(manifest.transactions()), secs);
  });
  return 0;
}

}  // namespace finseg
