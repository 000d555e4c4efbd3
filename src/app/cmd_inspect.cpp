#include "app/args.hpp"
#include "parallel/on_every_rank.hpp"
#include "app/commands.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

namespace finseg {

namespace {
std::string date_or_dash(const std::optional<Day>& d) { return d ? format_date(*d) : "-"; }

// "2 (16 shards)" or "1 (3 shards), 2 (13 shards)": a store may mix both shard formats.
std::string shard_formats(const std::filesystem::path& store, const StoreManifest& m) {
  std::map<int, std::size_t> count;
  for (const auto& s : m.shards) ++count[shard_format_version(store, s)];
  std::string out;
  for (const auto& [version, n] : count)
    out += (out.empty() ? "" : ", ") + std::to_string(version) + " (" + std::to_string(n) +
           (n == 1 ? " shard)" : " shards)");
  return out.empty() ? "-" : out;
}
}  // namespace

const CommandSpec& inspect_spec() {
  static const CommandSpec spec{"inspect", "users, accounts, transactions, dates, shards, sizes of a store; verifies checksums",
                                "STORE: the store folder.", "STORE",
                                {flag("no-verify", "do not verify the shards' checksums"),
                                 flag("chunks", "list where each dataset's chunks lie in the shard files")}};
  return spec;
}

int cmd_inspect(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, inspect_spec());
  if (args.positional().size() != 1) throw UsageError("inspect takes one STORE folder");
  const std::filesystem::path store = args.positional()[0];
  on_every_rank(comm, [&] {
    if (!comm.is_root()) return;
    const StoreManifest m = read_manifest(store);
    if (!args.flag("no-verify")) verify_store(store, m);
    std::optional<Day> first, last;
    std::uint64_t bytes = 0;
    for (const auto& s : m.shards) {
      bytes += s.bytes;
      if (s.first_booking) first = first ? std::min(*first, *s.first_booking) : *s.first_booking;
      if (s.last_booking) last = last ? std::max(*last, *s.last_booking) : *s.last_booking;
    }
    std::printf("store          %s (manifest format %d%s)\n", store.c_str(), m.format_version,
                args.flag("no-verify") ? ", checksums not verified" : ", checksums verified");
    std::printf("created by     %s\n", m.created_by.c_str());
    std::printf("users          %llu\n", static_cast<unsigned long long>(m.users()));
    std::printf("accounts       %llu\n", static_cast<unsigned long long>(m.accounts()));
    std::printf("transactions   %llu\n", static_cast<unsigned long long>(m.transactions()));
    std::printf("bookings       %s .. %s\n", date_or_dash(first).c_str(), date_or_dash(last).c_str());
    std::printf("snapshotDate   %s\n", date_or_dash(m.snapshot_date).c_str());
    std::printf("labels         %zu names in %zu groups\n", m.labels.size(), m.label_groups.size());
    std::printf("size           %.1f MiB, %.1f bytes per transaction\n", static_cast<double>(bytes) / 1048576.0,
                m.transactions() ? static_cast<double>(bytes) / static_cast<double>(m.transactions()) : 0.0);
    std::printf("checksum       %s\n", m.store_checksum().c_str());
    std::printf("shards         %zu\n", m.shards.size());
    std::printf("shard format   %s\n", shard_formats(store, m).c_str());
    std::printf("  %-16s %10s %10s %12s %12s  %-10s %-10s %s\n", "file", "users", "accounts", "transactions",
                "bytes", "first", "last", "checksum");
    for (const auto& s : m.shards)
      std::printf("  %-16s %10llu %10llu %12llu %12llu  %-10s %-10s %s\n", s.file.c_str(),
                  static_cast<unsigned long long>(s.users), static_cast<unsigned long long>(s.accounts),
                  static_cast<unsigned long long>(s.transactions), static_cast<unsigned long long>(s.bytes),
                  date_or_dash(s.first_booking).c_str(), date_or_dash(s.last_booking).c_str(), s.checksum.c_str());
    if (args.flag("chunks")) {
      // Where every dataset's chunks lie in each file (to locate damage, or to damage on purpose).
      std::printf("chunks\n  %-16s %-40s %12s %12s %10s\n", "file", "dataset", "first", "offset", "bytes");
      for (const auto& s : m.shards)
        for (const auto& c : shard_chunk_locations(store, s))
          std::printf("  %-16s %-40s %12llu %12llu %10llu\n", s.file.c_str(), c.dataset.c_str(),
                      static_cast<unsigned long long>(c.first), static_cast<unsigned long long>(c.offset),
                      static_cast<unsigned long long>(c.bytes));
    }
  });
  return 0;
}

}  // namespace finseg
