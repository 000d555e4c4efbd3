#include "label/text_model.hpp"

#include "core/errors.hpp"
#include "label/text_fold.hpp"

#include <linear.h>

#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <memory>
#include <iterator>
#include <sstream>

namespace finseg {

namespace {

// Words that say how a payment was made, not what it paid for: the card networks' and wallets'
// boilerplate ("girocard", "VISA Debitkartenzahlung", "Apple Pay", "SAGT DANKE", "Fil."), a
// payment intermediary's name and legal form (PayPal's "PP. … Ihr Einkauf bei", Klarna), the SEPA
// fields' syntax (SVWZ+, EREF+, MREF+, CRED+, Mandat, Gläubiger-ID) and German cities and months.
// Every label's texts carry them alike, so as features they only vote for whichever label a
// template happened to be written for more often ("GIROCARD … UM hh.mm" of an unknown name read as
// TRAVEL); without them a text is its merchant's and purpose's words. Chosen by the counterparty
// cross-validation (docs/labeller.md): neutral there (90.48 -> 90.51 %), where every template is
// spread over the labels alike. Sorted (binary search).
constexpr std::string_view kNoiseWords[] = {
    "aachen", "apple", "april", "augsburg", "august", "basislastschrift", "bei", "berlin", "bielefeld", "bochum", "bonn",
    "braunschweig", "bremen", "chemnitz", "ci", "cie", "cred", "danke", "darmstadt", "de", "debit", "debitk", "debitkarte",
    "debitkartenzahlung", "dezember", "dortmund", "dresden", "duesseldorf", "duisburg", "ec", "einkauf", "elv", "end",
    "eref", "erfurt", "erstlastschrift", "essen", "et", "europe", "februar", "fil", "filiale", "folgelastschrift",
    "frankfurt", "freiburg", "gelsenkirchen", "girocard", "glaeubiger", "goettingen", "google", "hamburg", "hannover",
    "heidelberg", "id", "ihr", "januar", "juli", "juni", "karlsruhe", "karte", "kartenumsatz", "kartenzahlung", "kassel",
    "kd", "kiel", "klarna", "koeln", "kontaktlos", "kref", "kundennr", "lastschrift", "leipzig", "luebeck", "maerz",
    "magdeburg", "mai", "mainz", "mandat", "mannheim", "mastercard", "mref", "muenchen", "muenster", "nfc", "notprovided",
    "november", "nr", "nuernberg", "oktober", "oldenburg", "osnabrueck", "pay", "paypal", "pos", "potsdam", "pp", "publ",
    "referenz", "regensburg", "rg", "rostock", "saarbruecken", "sagt", "sarl", "sca", "september", "stuttgart", "sumup",
    "svwz", "uhr", "ulm", "um", "umsatz", "visa", "vom", "wiesbaden", "wuppertal", "zahlung"};

bool noise_word(std::string_view w) { return std::binary_search(std::begin(kNoiseWords), std::end(kNoiseWords), w); }

// Adds the hashes of a field's words (salted by field, once alone and once with the direction of
// the payment) and of the character 4-grams of each word padded with blanks (shared by both
// fields: "sparplan" in a name or a purpose is the same clue); noise words add nothing.
void add_field(std::string_view text, std::uint64_t field, bool incoming, std::uint32_t mask, std::vector<std::uint32_t>& out) {
  std::size_t start = 0;
  char padded[64];
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(start, end - start);
    start = end + 1;
    if (noise_word(word)) continue;
    out.push_back(static_cast<std::uint32_t>(text_hash(word, field)) & mask);
    // The word with the direction: "wertpapierkauf" paid is SECURITIES, received it is a transfer.
    out.push_back(static_cast<std::uint32_t>(text_hash(word, field + (incoming ? 10 : 20))) & mask);
    const std::size_t n = std::min<std::size_t>(word.size(), sizeof padded - 2);
    padded[0] = ' ';
    std::copy_n(word.data(), n, padded + 1);
    padded[n + 1] = ' ';
    for (std::size_t i = 0; i + 4 <= n + 2; ++i) out.push_back(static_cast<std::uint32_t>(text_hash({padded + i, 4}, 9)) & mask);
    if (n + 2 < 4) out.push_back(static_cast<std::uint32_t>(text_hash({padded, n + 2}, 9)) & mask);
  }
}

void silent(const char*) {}

}  // namespace

void text_features(std::string_view name, std::string_view purpose, bool incoming, int bits, std::vector<std::uint32_t>& out) {
  const auto mask = static_cast<std::uint32_t>((std::uint64_t{1} << bits) - 1);
  out.clear();
  add_field(name, 1, incoming, mask, out);
  add_field(purpose, 2, incoming, mask, out);
  out.push_back(static_cast<std::uint32_t>(text_hash(incoming ? "in" : "out", 3)) & mask);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

namespace {

struct ModelDeleter {
  void operator()(model* m) const noexcept { free_and_destroy_model(&m); }
};

// The training problem in LIBLINEAR's form, over compact feature indices 1..m (+ bias m+1).
struct Problem {
  std::vector<std::uint32_t> feature_ids;  // compact index - 1 -> hashed id
  std::vector<double> y;
  std::vector<feature_node> nodes;
  std::vector<std::size_t> starts;
  std::vector<feature_node*> rows;
  problem prob{};
};

// The class of a training text: its votes' verdict with no support or agreement demands (one
// labelled row is an example). A text that was never labelled is an example of the empty set when
// the bank labels what it can (labelling rate >= kDeliberateRate: its empty cells are
// deliberate, as in an export of a fully labelled bank); at a lower rate it is no example, as it
// may just be a counterparty the bank has not labelled yet — what the learner is there to label.
constexpr double kDeliberateRate = 0.9;

std::optional<LabelSet> class_of(const TextExample& e, double labelling_rate) {
  if (e.votes.total() == 0)
    return labelling_rate >= kDeliberateRate && e.votes.unlabelled > 0 ? std::optional<LabelSet>(0) : std::nullopt;
  return e.votes.verdict(labelling_rate, 1, 0.0);
}

std::vector<LabelSet> choose_classes(const TextSample& sample, double rate, const TextModelOptions& o) {
  std::map<LabelSet, std::uint64_t> texts;
  for (const auto& [hash, e] : sample.in_order())
    if (const auto c = class_of(*e, rate)) ++texts[*c];
  std::vector<LabelSet> classes;
  for (const auto& [set, n] : texts)
    if (n >= o.min_class_examples) classes.push_back(set);
  return classes;
}

// At most `per_class` texts of each class, the first in hash order (deterministic): a big class
// (thousands of grocery receipts) teaches no more than a few thousand of its texts, and the
// training time stays bounded whatever the bank's size.
void build_problem(const TextSample& sample, double rate, const std::vector<LabelSet>& classes, const TextModelOptions& o,
                   Problem& p) {
  std::vector<std::vector<std::uint32_t>> features;
  std::vector<std::uint32_t> f;
  std::vector<std::uint64_t> taken(classes.size(), 0);
  for (const auto& [hash, example] : sample.in_order()) {
    const TextExample& e = *example;
    const auto c = class_of(e, rate);
    if (!c) continue;
    const auto it = std::lower_bound(classes.begin(), classes.end(), *c);
    if (it == classes.end() || *it != *c) continue;
    if (taken[static_cast<std::size_t>(it - classes.begin())]++ >= o.max_class_examples) continue;
    const int bits = o.hash_bits;
    text_features(e.name, e.purpose, e.incoming, bits, f);
    features.push_back(f);
    p.y.push_back(static_cast<double>(it - classes.begin()));
    p.feature_ids.insert(p.feature_ids.end(), f.begin(), f.end());
  }
  std::sort(p.feature_ids.begin(), p.feature_ids.end());
  p.feature_ids.erase(std::unique(p.feature_ids.begin(), p.feature_ids.end()), p.feature_ids.end());
  const int m = static_cast<int>(p.feature_ids.size());
  for (const auto& row : features) {
    p.starts.push_back(p.nodes.size());
    const double value = 1.0 / std::sqrt(static_cast<double>(row.size()));
    for (const std::uint32_t id : row) {
      const auto at = std::lower_bound(p.feature_ids.begin(), p.feature_ids.end(), id) - p.feature_ids.begin();
      p.nodes.push_back({static_cast<int>(at) + 1, value});
    }
    p.nodes.push_back({m + 1, 1.0});  // bias
    p.nodes.push_back({-1, 0.0});
  }
  for (const std::size_t s : p.starts) p.rows.push_back(p.nodes.data() + s);
  p.prob.l = static_cast<int>(p.y.size());
  p.prob.n = m + 1;
  p.prob.y = p.y.data();
  p.prob.x = p.rows.data();
  p.prob.bias = -1;  // the bias is feature m+1, so it is regularised like LIBLINEAR's own bias
}

}  // namespace

TextModel TextModel::train(const TextSample& sample, double labelling_rate, const TextModelOptions& options) {
  TextModel out;
  out.hash_bits_ = options.hash_bits;
  std::vector<LabelSet> classes = choose_classes(sample, labelling_rate, options);
  if (classes.size() < 2) return out;  // nothing to tell apart: the model abstains
  Problem p;
  build_problem(sample, labelling_rate, classes, options, p);
  parameter param{};
  param.solver_type = L2R_LR;
  param.C = options.cost;
  param.eps = options.epsilon;
  if (const char* error = check_parameter(&p.prob, &param))
    throw Error(ExitCode::internal, std::string("text classifier: LIBLINEAR rejects the problem: ") + error);
  set_print_string_function(&silent);
  const std::unique_ptr<model, ModelDeleter> m(::train(&p.prob, &param));
  const int nr_class = get_nr_class(m.get());
  std::vector<int> labels(static_cast<std::size_t>(nr_class));
  get_labels(m.get(), labels.data());
  out.classes_.resize(static_cast<std::size_t>(nr_class));
  for (int c = 0; c < nr_class; ++c) out.classes_[static_cast<std::size_t>(c)] = classes[static_cast<std::size_t>(labels[static_cast<std::size_t>(c)])];
  const std::size_t features = p.feature_ids.size();
  out.feature_ids_ = p.feature_ids;
  out.weights_.resize(features * static_cast<std::size_t>(nr_class));
  out.biases_.resize(static_cast<std::size_t>(nr_class));
  for (int c = 0; c < nr_class; ++c) {
    for (std::size_t f = 0; f < features; ++f)
      out.weights_[f * static_cast<std::size_t>(nr_class) + static_cast<std::size_t>(c)] =
          static_cast<float>(get_decfun_coef(m.get(), static_cast<int>(f) + 1, c));
    out.biases_[static_cast<std::size_t>(c)] = static_cast<float>(get_decfun_coef(m.get(), static_cast<int>(features) + 1, c));
  }
  out.index_rows();
  return out;
}

void TextModel::index_rows() {
  row_of_.assign(std::size_t{1} << hash_bits_, -1);
  for (std::size_t r = 0; r < feature_ids_.size(); ++r) row_of_[feature_ids_[r]] = static_cast<std::int32_t>(r);
}

Prediction TextModel::predict(std::string_view name, std::string_view purpose, bool incoming) const {
  if (classes_.empty()) return {};
  thread_local std::vector<std::uint32_t> features;
  thread_local std::vector<float> scores;
  text_features(name, purpose, incoming, hash_bits_, features);
  const std::size_t k = classes_.size();
  scores.assign(k, 0.0f);
  for (const std::uint32_t id : features) {
    const std::int32_t row = row_of_[id];
    if (row < 0) continue;
    const float* w = weights_.data() + static_cast<std::size_t>(row) * k;
    for (std::size_t c = 0; c < k; ++c) scores[c] += w[c];
  }
  // The same probabilities as LIBLINEAR's predict_probability: one-vs-rest sigmoids, normalised.
  const float scale = 1.0f / std::sqrt(static_cast<float>(features.size()));
  double sum = 0.0, best = -1.0;
  std::size_t best_class = 0;
  for (std::size_t c = 0; c < k; ++c) {
    const double p = 1.0 / (1.0 + std::exp(-(static_cast<double>(scores[c] * scale + biases_[c]))));
    sum += p;
    if (p > best) {
      best = p;
      best_class = c;
    }
  }
  return {classes_[best_class], sum > 0 ? best / sum : 0.0};
}

// Version 3: the features without noise words (version 2 models were trained on other features,
// so they are refused rather than misread). On disk the weights are 8-bit, with one scale per feature row (its largest |weight| / 127):
// a quarter of the bytes (the shipped classifier is ~0.35 MB, not 1.3 MB) and probabilities within
// ~1 % of the float model's. The model in memory is dequantised once, on load.
std::string TextModel::serialize() const {
  const std::size_t k = classes_.size();
  std::vector<float> scales(feature_ids_.size());
  std::vector<std::int8_t> q(weights_.size());
  for (std::size_t r = 0; r < feature_ids_.size(); ++r) {
    float top = 0.0f;
    for (std::size_t c = 0; c < k; ++c) top = std::max(top, std::abs(weights_[r * k + c]));
    scales[r] = top / 127.0f;
    for (std::size_t c = 0; c < k; ++c)
      q[r * k + c] = static_cast<std::int8_t>(top > 0 ? std::lround(weights_[r * k + c] / scales[r]) : 0);
  }
  std::ostringstream os(std::ios::binary);
  {
    cereal::BinaryOutputArchive ar(os);
    ar(std::string("finseg-text-model-3"), hash_bits_, classes_, feature_ids_, scales, q, biases_);
  }
  return std::move(os).str();
}

TextModel TextModel::deserialize(const std::string& bytes) {
  TextModel m;
  std::string magic;
  std::vector<float> scales;
  std::vector<std::int8_t> q;
  try {
    std::istringstream is(bytes, std::ios::binary);
    cereal::BinaryInputArchive ar(is);
    ar(magic);
    if (magic != "finseg-text-model-3") throw InputError("not a finseg text model (version 3: features of this finseg)");
    ar(m.hash_bits_, m.classes_, m.feature_ids_, scales, q, m.biases_);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(std::string("text model: truncated or corrupt: ") + e.what());
  }
  const std::size_t k = m.classes_.size();
  const bool consistent = m.hash_bits_ >= 8 && m.hash_bits_ <= 24 && m.biases_.size() == k && scales.size() == m.feature_ids_.size() &&
                          q.size() == m.feature_ids_.size() * k &&
                          std::all_of(m.feature_ids_.begin(), m.feature_ids_.end(),
                                      [&](std::uint32_t id) { return id < (std::uint32_t{1} << m.hash_bits_); });
  if (!consistent) throw InputError("text model: inconsistent sizes");
  m.weights_.resize(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) m.weights_[i] = static_cast<float>(q[i]) * scales[i / std::max<std::size_t>(k, 1)];
  m.index_rows();
  return m;
}

}  // namespace finseg
