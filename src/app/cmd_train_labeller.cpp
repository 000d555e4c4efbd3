// finseg train-labeller: trains the text classifier shipped with finseg (config/label-classifier.bin,
// docs/labeller.md "The shipped classifier") from labelled statement rows in CSV files — the
// training vocabulary tests/data/labeller-training.csv, the train part of the hand-written corpus,
// the generator's export. scripts/train-label-classifier rebuilds the shipped file with it.
#include "app/args.hpp"
#include "parallel/on_every_rank.hpp"
#include "app/commands.hpp"
#include "core/errors.hpp"
#include "core/money.hpp"
#include "csv/csv_reader.hpp"
#include "io/taxonomy_file.hpp"
#include "label/learned_labeller.hpp"
#include "label/text_fold.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

namespace finseg {

const CommandSpec& train_labeller_spec() {
  static const CommandSpec spec{
      "train-labeller", "train the text classifier that import --labels learn asks last (docs/labeller.md)",
      "Every row of the CSV files (columns counterpartName, purpose, amount, labels; optional part and\n"
      "counterpartIban) is a training text; an empty labels cell is a text that stays unlabelled. Rows\n"
      "whose part is 'test' are never trained on, nor is any row of a counterparty of --holdout's test part.",
      "",
      {option("csv", "FILES", "comma-separated CSV files of labelled rows").required(),
       option("out", "FILE", "the classifier file to write").required(),
       option("holdout", "FILE", "an evaluation corpus: its test part's counterparties are left out"),
       option("taxonomy", "FILE", "label taxonomy").default_is("config/labels.json, or $FINSEG_TAXONOMY"),
       integer("max-class-texts", "N", "distinct texts per label set trained on", 4000, 10, 1000000)}};
  return spec;
}

namespace {

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// A CSV file of statement rows, one callback per row with its part ("" without that column).
struct RowFile {
  csv::Reader reader;
  std::size_t name, purpose, amount, labels;
  std::optional<std::size_t> part, iban;
};

RowFile open_rows(const std::filesystem::path& file) {
  RowFile f{csv::Reader::open(file), 0, 0, 0, 0, {}, {}};
  csv::Record header;
  if (!f.reader.next(header)) throw InputError(file.string() + ": empty file (no header)");
  static constexpr std::string_view required[] = {"counterpartName", "purpose", "amount", "labels"};
  const csv::ColumnMap columns(header, required, file.string());
  f.name = columns[0], f.purpose = columns[1], f.amount = columns[2], f.labels = columns[3];
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    if (header.fields[i] == "part") f.part = i;
    if (header.fields[i] == "counterpartIban") f.iban = i;
  }
  return f;
}

std::string field(const csv::Record& r, std::optional<std::size_t> i) {
  return i && *i < r.fields.size() ? std::string(r.fields[*i]) : std::string();
}

// The counterparties of a corpus's test part: name keys and IBANs.
std::set<std::string> test_counterparties(const std::filesystem::path& file) {
  RowFile f = open_rows(file);
  std::set<std::string> keys;
  for (csv::Record r; f.reader.next(r);) {
    if (field(r, f.part) != "test") continue;
    // A row without a name (cash, fees) has no counterparty to hold out.
    if (const std::string key = counterparty_key(r.fields[f.name]); !key.empty()) keys.insert("name:" + key);
    if (const std::string iban = field(r, f.iban); !iban.empty()) keys.insert("iban:" + iban);
  }
  return keys;
}

struct TrainingStats {
  std::uint64_t rows = 0, skipped = 0;
};

void read_training_rows(const std::filesystem::path& file, const Taxonomy& taxonomy, const std::set<std::string>& holdout,
                        TextSample& sample, TrainingStats& stats) {
  RowFile f = open_rows(file);
  for (csv::Record r; f.reader.next(r);) {
    const auto where = [&](const char* column, std::string_view value) {
      return file.string() + ":" + std::to_string(r.line) + ": " + column + " '" + std::string(value) + "'";
    };
    if (r.fields.size() <= std::max({f.name, f.purpose, f.amount, f.labels}))
      throw InputError(file.string() + ":" + std::to_string(r.line) + ": too few fields");
    const std::string iban = field(r, f.iban);
    if (field(r, f.part) == "test" || holdout.count("name:" + counterparty_key(r.fields[f.name])) ||
        (!iban.empty() && holdout.count("iban:" + iban))) {
      ++stats.skipped;
      continue;
    }
    const MoneyParse amount = parse_money(r.fields[f.amount]);
    if (!amount.ok()) throw InputError(where("amount", r.fields[f.amount]) + ": " + describe(*amount.error));
    const Taxonomy::Parsed labels = taxonomy.parse(r.fields[f.labels]);
    if (!labels.error.empty()) throw InputError(where("labels", r.fields[f.labels]) + ": " + labels.error);
    sample.observe(TransactionText{r.fields[f.purpose], r.fields[f.name], iban, amount.value}, labels.set);
    ++stats.rows;
  }
}

}  // namespace

int cmd_train_labeller(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, train_labeller_spec());
  const std::filesystem::path taxonomy_file = args.get("taxonomy").value_or(default_taxonomy_path().string());
  const Taxonomy taxonomy = load_taxonomy(taxonomy_file);
  on_every_rank(comm, [&] {
    if (!comm.is_root()) return;
    const std::set<std::string> holdout = args.has("holdout") ? test_counterparties(args.require("holdout")) : std::set<std::string>{};
    TextSample sample(1000000);  // training files are small: every distinct text counts
    TrainingStats stats;
    for (const std::string& file : split_list(args.require("csv"))) read_training_rows(file, taxonomy, holdout, sample, stats);
    TextModelOptions options = shipped_model_options();
    options.max_class_examples = static_cast<std::uint64_t>(args.get_int("max-class-texts"));
    // Every cell of a training file is the truth, an empty one too: the labelling rate is 1.
    const TextModel model = TextModel::train(sample, 1.0, options);
    if (model.empty()) throw InputError("train-labeller: fewer than two label sets to tell apart in " + args.require("csv"));
    LearnedLabeller::save_classifier(model, taxonomy, args.require("out"));
    std::printf("trained %s: %llu rows (%zu distinct texts; %llu held out), %zu label sets, %zu features\n", args.require("out").c_str(),
                static_cast<unsigned long long>(stats.rows), sample.size(), static_cast<unsigned long long>(stats.skipped),
                model.classes(), model.features());
  });
  return 0;
}

}  // namespace finseg
