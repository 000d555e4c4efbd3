#include "app/args.hpp"
#include "parallel/on_every_rank.hpp"
#include "app/commands.hpp"
#include "app/store_options.hpp"
#include "app/import_store.hpp"
#include "csv/csv_import.hpp"
#include "store/store.hpp"
#include "io/taxonomy_file.hpp"
#include "label/labeller.hpp"
#include "label/learned_labeller.hpp"
#include "label/rule_file.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

namespace finseg {

namespace {

std::int64_t parse_count(const std::string& text, const char* option, std::int64_t lo, std::int64_t hi) {
  std::size_t used = 0;
  std::int64_t v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || v < lo || v > hi)
    throw UsageError(std::string(option) + ": must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got '" + text + "'");
  return v;
}

// "512M", "64M", "300K", "2G" or a number of bytes, from 64K (below, a group of users would hold
// a few rows) to 1024G.
std::uint64_t parse_byte_size(const std::string& text, const char* option) {
  const UsageError bad(std::string(option) + ": must be a size from 64K to 1024G (bytes, or a number with K, M or G), got '" + text + "'");
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 10 || text.size() > digits + 1) throw bad;  // 10 digits x 2^30 fit in 64 bits
  std::uint64_t unit = 1;
  if (digits < text.size()) {
    const std::size_t at = std::string_view("KMG").find(static_cast<char>(std::toupper(static_cast<unsigned char>(text.back()))));
    if (at == std::string_view::npos) throw bad;
    unit = std::uint64_t{1} << (10 * (at + 1));
  }
  const std::uint64_t v = std::stoull(text.substr(0, digits)) * unit;
  if (v < (std::uint64_t{64} << 10) || v > (std::uint64_t{1} << 40)) throw bad;
  return v;
}

}  // namespace

// Import runs on every rank (app/import_store.hpp): each reads its units of the input, each shard is
// sorted and written by one rank, rank 0 commits the store.
const CommandSpec& import_spec() {
  static const CommandSpec spec = [] {
    CommandSpec s{"import", "import accounts.csv + transactions.csv (SEGMENTS.md 1.1) into a new store",
                  "Any rejected row fails the import (exit 3) unless --max-rejects sets it aside; empty labels\n"
                  "cells are labelled (docs/labeller.md).",
                  "",
                  {option("csv", "DIR", "folder of accounts.csv and transactions.csv").required(),
                   option("out", "STORE", "the store folder to create (never overwritten)").required(),
                   option("shards", "K", "shard files (1-100000)").default_is("one per ~64 MB of CSV, at least 4 (the input's size)"),
                   option("memory-budget", "BYTES", "what a rank may hold while it sorts and writes a shard (K, M, G suffixes);\n"
                          "a larger shard is sorted in groups of users through the staging folder").default_is("512M"),
                   integer("max-rejects", "N", "set up to N rejected rows aside (needs --rejects)", 0, 0, INT64_MAX),
                   option("rejects", "FILE", "where the rejected rows go, with their reasons (needs --max-rejects)"),
                   flag("replace-rejects", "overwrite an existing --rejects file"),
                   option("taxonomy", "FILE", "label taxonomy").default_is("config/labels.json, or $FINSEG_TAXONOMY"),
                   option("rules", "FILE", "label rules").default_is("label-rules.json beside the taxonomy"),
                   choice("labels", "MODE", "how empty labels cells are filled: learned + rules, rules alone, or not",
                          {"learn", "rules", "none"}, "learn"),
                   option("model", "FILE", "start from a model saved by --save-model (--labels learn)"),
                   option("save-model", "FILE", "save what was learned (--labels learn)"),
                   option("classifier", "FILE", "the shipped text classifier, asked last (--labels learn)")
                       .default_is("label-classifier.bin beside the taxonomy, when there"),
                   option("brands", "FILE", "the merchant list: brands and their trade, asked before the classifiers (--labels learn)")
                       .default_is("label-brands.json beside the taxonomy, when there"),
                   integer("progress-every", "S", "a progress line on stderr every S seconds (0: none)", 5, 0, 86400),
                   integer("unit-bytes", "N", "bytes of a plain file read as one unit of work (for tests of tiny units)",
                           64 << 20, 1, INT64_MAX)}};
    for (auto& d : shard_write_option_defs()) s.options.push_back(std::move(d));
    return s;
  }();
  return spec;
}

int cmd_import(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, import_spec());
  const ShardWriteOptions write_options = shard_write_options(args);
  ImportOptions options;
  options.shards = 0;  // from the input's size (import_store)
  if (const auto k = args.get("shards")) options.shards = static_cast<int>(parse_count(*k, "--shards", 1, 100000));
  options.max_rejects = static_cast<std::uint64_t>(args.get_int("max-rejects"));
  if (options.max_rejects > 0) {
    if (!args.has("rejects")) throw UsageError("--max-rejects needs --rejects FILE to set the rejected rows aside");
    options.rejects_file = args.require("rejects");
    options.replace_rejects = args.flag("replace-rejects");
  } else if (args.has("rejects") || args.flag("replace-rejects")) {
    throw UsageError("--rejects and --replace-rejects need --max-rejects N (N > 0)");
  }
  const std::filesystem::path csv = args.require("csv");
  const std::filesystem::path out = args.require("out");
  const std::filesystem::path taxonomy_file = args.get("taxonomy").value_or(default_taxonomy_path().string());
  const Taxonomy taxonomy = load_taxonomy(taxonomy_file);
  // Rows with an empty labels cell: learned from the labelled rows and the rules next to the
  // taxonomy (learn), the rules alone (rules) or left unlabelled (none); docs/labeller.md.
  const std::string mode = args.get("labels").value_or("learn");
  if (mode != "learn" && mode != "rules" && mode != "none")
    throw UsageError("--labels must be learn, rules or none, not '" + mode + "'");
  if (mode != "learn" && (args.has("model") || args.has("save-model")))
    throw UsageError("--model and --save-model need --labels learn");
  const Labeller labeller = load_labeller(args.get("rules").value_or(default_label_rules_path(taxonomy_file).string()), taxonomy);
  LearnedLabeller learner(&labeller, taxonomy);
  if (mode == "learn" && args.has("model")) learner.load(args.require("model"));
  if (mode != "learn" && args.has("classifier")) throw UsageError("--classifier needs --labels learn");
  if (mode != "learn" && args.has("brands")) throw UsageError("--brands needs --labels learn");
  if (mode == "learn") {
    const std::filesystem::path shipped = args.get("classifier").value_or(default_label_classifier_path(taxonomy_file).string());
    if (args.has("classifier") || std::filesystem::exists(shipped)) learner.load_shipped(shipped);
    const std::filesystem::path brands = args.get("brands").value_or(default_label_brands_path(taxonomy_file).string());
    if (args.has("brands") || std::filesystem::exists(brands)) learner.set_brands(BrandList::load(brands, taxonomy));
  }
  if (mode != "none") options.labeller = &labeller;
  if (mode == "learn") options.learner = &learner;
  StoreImportOptions store_options;
  store_options.import = options;
  store_options.write = write_options;
  store_options.unit_bytes = static_cast<std::uint64_t>(args.get_int("unit-bytes"));
  store_options.memory_budget = parse_byte_size(args.get("memory-budget").value_or("512M"), "--memory-budget");
  store_options.progress_seconds = static_cast<double>(args.get_int("progress-every"));
  if (const auto file = args.get("save-model")) store_options.save_model = *file;
  store_options.created_by = "finseg import --csv " + csv.string();
  const StoreImportResult r = import_store(comm, csv, out, taxonomy, store_options);
  if (comm.is_root()) {
    if (options.learner) std::fprintf(stderr, "finseg import: %s\n", r.sources.format().c_str());
    std::fprintf(stderr, "finseg import: phases: %s; peak RSS %.0f MiB (largest rank)\n", r.phases.c_str(),
                 static_cast<double>(r.max_peak_rss_kib) / 1024.0);
    if (r.grouped_shards > 0)
      std::fprintf(stderr, "finseg import: %llu of %d shards larger than the memory budget were sorted in groups of users\n",
                   static_cast<unsigned long long>(r.grouped_shards), r.shards);
    std::printf("imported %s into %s: %llu accounts, %llu transactions, %llu rejected rows set aside, %d shards (%.2f s, %.0f rows/s, %d ranks)\n",
                csv.c_str(), out.c_str(), static_cast<unsigned long long>(r.account_rows),
                static_cast<unsigned long long>(r.transaction_rows), static_cast<unsigned long long>(r.rejected_rows),
                r.shards, r.seconds, static_cast<double>(r.account_rows + r.transaction_rows) / r.seconds, comm.size());
  }
  return 0;
}

}  // namespace finseg
