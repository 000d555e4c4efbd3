#include "label/learned_labeller.hpp"

#include "core/errors.hpp"
#include "label/text_fold.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <tuple>

namespace finseg {

std::string LabelSourceCounts::format() const {
  std::string out = "labels by source:";
  for (std::size_t i = 0; i < kLabelSources; ++i)
    out += (i ? ", " : " ") + std::string(kLabelSourceNames[i]) + " " + std::to_string(rows[i]);
  return out;
}

LearnedLabeller::LearnedLabeller(const Labeller* rules, const Taxonomy& taxonomy, LearnOptions options)
    : rules_(rules), taxonomy_(taxonomy), options_(options), counts_{{}, TextSample(options.sample_capacity), 0} {}

void LearnedLabeller::finish() {
  cache_.clear();
  rate_ = counts_.labelling_rate();  // a pass over the memory's keys: once, not per row
  if (counts_.rows == model_rows_ && !model_.empty()) return;  // a loaded model, nothing new to learn
  model_ = TextModel::train(counts_.sample, rate_, options_.model);
  model_rows_ = counts_.rows;
}

LearnedLabeller::Classified LearnedLabeller::classify(const TransactionText& txn) {
  if (model_.empty() && shipped_.empty() && brands_.empty()) return {};
  thread_local std::string name, purpose;  // per-row scratch
  classifier_text(txn.counterpart_name, name);
  classifier_text(txn.purpose, purpose);
  const bool in = txn.amount > 0;
  const std::uint64_t key = text_hash(purpose, text_hash(name, in ? 1 : 2));
  if (const auto it = cache_.find(key); it != cache_.end()) return it->second;
  Classified c;
  c.brand = brands_.find(txn);
  if (!model_.empty()) c.bank = model_.predict(name, purpose, in);
  if (!shipped_.empty()) c.shipped = shipped_.predict(name, purpose, in);
  if (cache_.size() >= (std::size_t{1} << 20)) cache_.clear();  // bounded: memory stays flat
  cache_.emplace(key, c);
  return c;
}

LabelSet LearnedLabeller::label_one(const TransactionText& txn, LabelSource& source) {
  Labeller::Decision rule;
  if (rules_) rule = rules_->decide(txn);
  if (rule.matched && rule.priority >= options_.explicit_priority) {
    source = LabelSource::rule;
    return rule.labels;
  }
  if (const auto remembered = counts_.memory.recall(txn, options_.memory, rate_)) {
    source = LabelSource::memory;
    return *remembered;
  }
  const Classified c = classify(txn);
  // A brand the merchant list knows comes before every classifier, which reads words, not names;
  // after the bank's memory, which knows how this bank labels that very counterparty. A fallback
  // rule that keeps the row unlabelled says more than the brand (the parking or the fuel station of
  // a listed store); the fallback INSURANCE group says less than a listed insurer's leaf.
  if (c.brand != 0 && !(rule.matched && rule.labels == 0)) {
    source = LabelSource::brand;
    return c.brand;
  }
  const bool bank_sure = c.bank.probability >= options_.min_probability;
  if (bank_sure && c.bank.labels != 0) {
    source = LabelSource::classifier;
    return c.bank.labels;
  }
  if (rule.matched) {
    source = LabelSource::rule;
    return rule.labels;
  }
  // What finseg ships comes after everything the bank taught and every rule: it knows public
  // wording, not this bank's counterparties. It is asked also when the bank's classifier says
  // "unlabelled": a classifier trained on a few hundred of the bank's rows says so of every
  // merchant name it has never seen.
  if (c.shipped.probability >= options_.min_shipped_probability && c.shipped.labels != 0) {
    source = LabelSource::shipped;
    return c.shipped.labels;
  }
  source = LabelSource::none;
  return 0;
}

void LearnedLabeller::label(std::span<const UnlabelledRow> rows, std::span<LabelSet> out) {
  if (out.size() != rows.size()) throw Error(ExitCode::internal, "learned labeller: rows and labels differ in size");
  std::vector<LabelSource> source(rows.size(), LabelSource::none);
  for (std::size_t i = 0; i < rows.size(); ++i) out[i] = label_one(rows[i].text, source[i]);
  label_recurring(rows, out, source);
  for (const LabelSource s : source) sources_.add(s);
}

namespace {

bool mentions(const std::string& folded, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return folded.find(w) != std::string::npos; });
}

// A legal form or a public body in the name: GmbH, AG, e.V., Kasse, Versicherung, Stadt, Amt, ...
bool looks_like_organisation(std::string_view name) {
  const std::string folded = " " + fold_text(name) + " ";
  return mentions(folded, {" gmbh ", " ag ", " se ", " kg ", " e v ", " ev ", " eg ", " mbh ", " kgaa ", " ohg ", " ug ", "kasse",
                           "versicherung", "rentenversicherung", " stadt ", " land ", " bund", "amt ", "agentur", "verband",
                           "stiftung", "klinik", "universitaet", "bank", "ministerium", "behoerde", " ltd ", " inc "});
}

}  // namespace

// Payments are grouped by (account, payer); a payer whose incoming payments fall into at least
// min_recurring_months consecutive months, each within the spread of the payer's median amount,
// pays an income: PENSION or SALARY when the text says so, else the INCOME group.
void LearnedLabeller::label_recurring(std::span<const UnlabelledRow> rows, std::span<LabelSet> out,
                                      std::vector<LabelSource>& source) {
  struct Payment {
    std::uint32_t account;
    std::uint64_t payer;
    MonthNumber month;
    std::size_t row;
  };
  std::vector<Payment> payments;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const TransactionText& t = rows[i].text;
    if (source[i] != LabelSource::none || t.amount <= 0) continue;
    const std::string payer = counterparty_key(t.counterpart_name);
    const std::uint64_t key = payer.empty() ? text_hash(t.counterpart_iban, 7) : text_hash(payer, 8);
    if (payer.empty() && t.counterpart_iban.empty()) continue;
    payments.push_back({rows[i].account, key, month_of(rows[i].booking_date), i});
  }
  std::sort(payments.begin(), payments.end(), [](const Payment& a, const Payment& b) {
    return std::tie(a.account, a.payer, a.month, a.row) < std::tie(b.account, b.payer, b.month, b.row);
  });
  const auto bit = [&](std::string_view name) { return LabelSet{1} << *taxonomy_.bit_of(name); };
  for (std::size_t g = 0; g < payments.size();) {
    std::size_t e = g;
    while (e < payments.size() && payments[e].account == payments[g].account && payments[e].payer == payments[g].payer) ++e;
    std::vector<Cents> amounts;
    int run = 1, longest = 1;
    for (std::size_t k = g; k < e; ++k) {
      amounts.push_back(rows[payments[k].row].text.amount);
      if (k > g && payments[k].month == payments[k - 1].month + 1) longest = std::max(longest, ++run);
      else if (k > g && payments[k].month != payments[k - 1].month) run = 1;
    }
    std::nth_element(amounts.begin(), amounts.begin() + static_cast<std::ptrdiff_t>(amounts.size() / 2), amounts.end());
    const double median = static_cast<double>(amounts[amounts.size() / 2]);
    const bool steady = std::all_of(amounts.begin(), amounts.end(), [&](Cents a) {
      return std::abs(static_cast<double>(a) - median) <= options_.max_amount_spread * median;
    });
    // Without income wording, only an organisation's payments count: a private person's monthly
    // standing order is as often a transfer between own accounts or family as it is income.
    const bool organisation = looks_like_organisation(rows[payments[g].row].text.counterpart_name);
    if (longest >= options_.min_recurring_months && steady && taxonomy_.bit_of("INCOME")) {
      for (std::size_t k = g; k < e; ++k) {
        const std::size_t i = payments[k].row;
        const std::string text = fold_text(rows[i].text.purpose) + " " + fold_text(rows[i].text.counterpart_name);
        LabelSet set = bit("INCOME");
        if (mentions(text, {"rente", "pension", "versorgung", "ruhegehalt"}) && taxonomy_.bit_of("PENSION")) set = bit("PENSION");
        else if (mentions(text, {"lohn", "gehalt", "entgelt", "bezuege", "salary", "verguetung"}) && taxonomy_.bit_of("SALARY"))
          set = bit("SALARY");
        if (set == bit("INCOME") && !organisation) continue;
        out[i] = set;
        source[i] = LabelSource::recurrence;
      }
    }
    g = e;
  }
}

namespace {

// "INCOME;SALARY;...": the bit order a model's label sets use.
std::string names_of(const Taxonomy& taxonomy) {
  std::string out;
  for (const std::string& n : taxonomy.names()) out += (out.empty() ? "" : ";") + n;
  return out;
}

// Writes `bytes` after `header` to `file` through FILE.part: whole or not at all.
void write_atomically(const std::filesystem::path& file, const std::string& header, const std::string& bytes, const char* what) {
  const std::filesystem::path tmp = file.string() + ".part";
  {
    std::ofstream os(tmp, std::ios::binary | std::ios::trunc);
    os << header;
    os.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!os.flush()) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw IoError(file.string() + ": cannot write the " + what);
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw IoError(file.string() + ": cannot write the " + what + ": " + ec.message());
  }
}

constexpr std::string_view kClassifierMagic = "finseg-label-classifier";

}  // namespace

std::string LearnedLabeller::taxonomy_names() const { return names_of(taxonomy_); }

void LearnedLabeller::save_classifier(const TextModel& model, const Taxonomy& taxonomy, const std::filesystem::path& file) {
  write_atomically(file, std::string(kClassifierMagic) + " 1 " + names_of(taxonomy) + "\n", model.serialize(), "classifier");
}

void LearnedLabeller::load_shipped(const std::filesystem::path& file) {
  std::ifstream is(file, std::ios::binary);
  if (!is) throw IoError(file.string() + ": cannot read the label classifier");
  std::string magic, version, names;
  is >> magic >> version >> names;
  if (magic != kClassifierMagic || version != "1" || is.get() != '\n')
    throw InputError(file.string() + ": not a finseg label classifier (version 1)");
  if (names != taxonomy_names())
    throw InputError(file.string() + ": the classifier was trained with another taxonomy (" + names + ")");
  const std::string rest((std::istreambuf_iterator<char>(is)), std::istreambuf_iterator<char>());
  try {
    shipped_ = TextModel::deserialize(rest);
  } catch (const InputError& e) {
    throw InputError(file.string() + ": " + e.what());
  }
  cache_.clear();
}

void LearnedLabeller::save(const std::filesystem::path& file) const {
  const std::string counts = counts_.serialize();
  std::ostringstream header;
  header << "finseg-learned-labeller 1 " << counts.size() << " " << model_rows_ << " " << taxonomy_names() << "\n";
  write_atomically(file, header.str(), counts + model_.serialize(), "learned model");
}

void LearnedLabeller::load(const std::filesystem::path& file) {
  std::ifstream is(file, std::ios::binary);
  if (!is) throw IoError(file.string() + ": cannot read the learned model");
  std::string magic, version, names;
  std::size_t counts_size = 0;
  std::uint64_t model_rows = 0;
  is >> magic >> version >> counts_size >> model_rows >> names;
  if (magic != "finseg-learned-labeller" || version != "1" || is.get() != '\n')
    throw InputError(file.string() + ": not a finseg learned-labeller model (version 1)");
  // Label sets are bit masks of the taxonomy: another taxonomy would read them as other labels.
  if (names != taxonomy_names())
    throw InputError(file.string() + ": the model was learned with another taxonomy (" + names + ")");
  const std::string rest((std::istreambuf_iterator<char>(is)), std::istreambuf_iterator<char>());
  if (rest.size() < counts_size) throw InputError(file.string() + ": truncated learned-labeller model");
  try {
    counts_.combine(LearnedCounts::deserialize(rest.substr(0, counts_size)));
    model_ = TextModel::deserialize(rest.substr(counts_size));
  } catch (const InputError& e) {
    throw InputError(file.string() + ": " + e.what());
  }
  model_rows_ = model_rows;
  // The loaded counts are not this import's rows: they are learned from, but not counted as `bank`.
}

}  // namespace finseg
