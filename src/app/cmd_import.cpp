#include "app/args.hpp"
#include "app/collective.hpp"
#include "app/commands.hpp"
#include "app/store_options.hpp"
#include "csv/csv_import.hpp"
#include "store/store.hpp"
#include "io/taxonomy_file.hpp"
#include "label/labeller.hpp"
#include "label/learned_labeller.hpp"
#include "label/rule_file.hpp"

#include <chrono>
#include <cstdio>

namespace finseg {

// Import runs on rank 0 (CSV parsing is one sequential read); other ranks wait for the outcome.
const CommandSpec& import_spec() {
  static const CommandSpec spec = [] {
    CommandSpec s{"import", "import accounts.csv + transactions.csv (SEGMENTS.md 1.1) into a new store",
                  "Any rejected row fails the import (exit 3) unless --max-rejects sets it aside; empty labels\n"
                  "cells are labelled (docs/labeller.md).",
                  "",
                  {option("csv", "DIR", "folder of accounts.csv and transactions.csv").required(),
                   option("out", "STORE", "the store folder to create (never overwritten)").required(),
                   integer("shards", "K", "shard files", 4, 1, 100000),
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
                       .default_is("label-classifier.bin beside the taxonomy, when there")}};
    for (auto& d : shard_write_option_defs()) s.options.push_back(std::move(d));
    return s;
  }();
  return spec;
}

int cmd_import(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, import_spec());
  const ShardWriteOptions write_options = shard_write_options(args);
  ImportOptions options;
  options.shards = static_cast<int>(args.get_int("shards"));
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
  if (mode == "learn") {
    const std::filesystem::path shipped = args.get("classifier").value_or(default_label_classifier_path(taxonomy_file).string());
    if (args.has("classifier") || std::filesystem::exists(shipped)) learner.load_shipped(shipped);
  }
  if (mode != "none") options.labeller = &labeller;
  if (mode == "learn") options.learner = &learner;
  on_every_rank(comm, [&] {
    if (!comm.is_root()) return;
    const auto start = std::chrono::steady_clock::now();
    if (std::filesystem::exists(out)) throw IoError(out.string() + " exists already: a store is never overwritten");
    ImportResult result = import_csv(csv, taxonomy, options);
    StoreBuilder builder(out);
    StoreManifest manifest;
    for (std::size_t k = 0; k < result.shards.size(); ++k)
      manifest.shards.push_back(builder.write(static_cast<int>(k), result.shards[k], taxonomy, write_options));
    manifest.created_by = "finseg import --csv " + csv.string();
    // The model first: a model that cannot be written fails the import before the store exists.
    if (const auto file = args.get("save-model")) learner.save(*file);
    builder.commit(manifest);
    if (options.learner) std::fprintf(stderr, "finseg import: %s\n", learner.sources().format().c_str());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("imported %s into %s: %llu accounts, %llu transactions, %llu rejected rows set aside, %zu shards (%.2f s, %.0f rows/s)\n",
                csv.c_str(), out.c_str(), static_cast<unsigned long long>(result.account_rows),
                static_cast<unsigned long long>(result.transaction_rows),
                static_cast<unsigned long long>(result.rejected_rows), result.shards.size(), secs,
                static_cast<double>(result.account_rows + result.transaction_rows) / secs);
  });
  return 0;
}

}  // namespace finseg
