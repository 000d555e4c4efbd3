// The evaluation protocol of the learned labeller (docs/labeller.md, "Quality"), shared by the
// floor tests and scripts/eval-labeller: rows of held-out counterparties are never labelled and
// are what the agreement is measured on; of the other rows a given share keeps its labels (the
// bank's labelled rows), the rest is labelled too but reported apart ("seen counterparties").
// Diagnostics: FINSEG_EVAL_VERBOSE=1 prints the model's size, FINSEG_EVAL_SEEN=1 lists the misses
// of seen counterparties too, FINSEG_EVAL_LIST_MISSES=1 prints every miss (to check a training
// vocabulary against the rules; never used on the corpus's test part before its evaluation).
#pragma once

#include "core/date.hpp"
#include "gen/demo_bank.hpp"
#include "label/learned_labeller.hpp"
#include "label/text_fold.hpp"
#include "label_test_util.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace finseg::test {

struct EvalRow {
  std::string purpose, name, iban;
  Cents amount = 0;
  LabelSet truth = 0;
  std::uint32_t account = 0;
  Day date = 0;
  bool held_out = false;  // the row's counterparty is in the test part
};

struct EvalResult {
  std::size_t test_rows = 0, test_agree = 0;  // held-out counterparties
  std::size_t seen_rows = 0, seen_agree = 0;  // unlabelled rows of counterparties with labelled rows
  LabelSourceCounts sources;
  double seconds = 0.0;  // observe + train + label, all rows
  double learn_seconds = 0.0, train_seconds = 0.0;  // of which reading the rows, training
  double train_cpu_seconds = 0.0;
  double cpu_seconds = 0.0;  // the process's CPU time for the same: the figure of a core of its own on a loaded machine
  std::size_t rows = 0;
  std::map<std::pair<LabelSet, LabelSet>, std::pair<std::size_t, std::string>> misses;  // (truth, got) -> count, example
  std::map<LabelSet, std::pair<std::size_t, std::size_t>> by_truth;  // held-out rows: truth -> (rows, agreeing)

  // Adds another evaluation's counts (several draws of one protocol reported as one).
  void pool(const EvalResult& o) {
    test_rows += o.test_rows;
    test_agree += o.test_agree;
    seen_rows += o.seen_rows;
    seen_agree += o.seen_agree;
    sources.combine(o.sources);
    seconds += o.seconds;
    rows += o.rows;
    for (const auto& [key, m] : o.misses) {
      auto& mine = misses[key];
      if (mine.first == 0) mine.second = m.second;
      mine.first += m.first;
    }
    for (const auto& [truth, n] : o.by_truth) {
      by_truth[truth].first += n.first;
      by_truth[truth].second += n.second;
    }
  }
  double test_agreement() const { return test_rows ? static_cast<double>(test_agree) / static_cast<double>(test_rows) : 0.0; }
  double seen_agreement() const { return seen_rows ? static_cast<double>(seen_agree) / static_cast<double>(seen_rows) : 1.0; }
  double rows_per_second() const { return static_cast<double>(rows) / seconds; }
  std::string top_misses(std::size_t n) const {
    std::vector<std::pair<std::size_t, std::string>> v;
    for (const auto& [key, m] : misses)
      v.emplace_back(m.first, "true [" + taxonomy().format(key.first) + "] got [" + taxonomy().format(key.second) + "] e.g. " + m.second);
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string out;
    for (std::size_t i = 0; i < std::min(n, v.size()); ++i) out += "  " + std::to_string(v[i].first) + "  " + v[i].second + "\n";
    return out;
  }
};

// Whether a row of a seen counterparty keeps its labels: `percent` of them, by a hash of the row.
inline bool keeps_labels(std::size_t row, int percent) { return static_cast<int>(text_hash(std::to_string(row), 77) % 100) < percent; }

// The classifier shipped with finseg (config/label-classifier.bin; FINSEG_EVAL_CLASSIFIER names another).
inline std::filesystem::path shipped_classifier() {
  if (const char* env = std::getenv("FINSEG_EVAL_CLASSIFIER")) return env;
  return std::filesystem::path(FINSEG_SOURCE_DIR) / "config/label-classifier.bin";
}

// The merchant list shipped with finseg (config/label-brands.json; FINSEG_EVAL_BRANDS names another,
// "none" evaluates without one).
inline const BrandList* shipped_brands() {
  static const BrandList brands = [] {
    const char* env = std::getenv("FINSEG_EVAL_BRANDS");
    if (env && std::string_view(env) == "none") return BrandList{};
    return BrandList::load(env ? std::filesystem::path(env) : std::filesystem::path(FINSEG_SOURCE_DIR) / "config/label-brands.json",
                           taxonomy());
  }();
  return &brands;
}
// `label_held_out`: the bank labels `labelled_percent` of the held-out counterparties' rows too
// (a bank's export, recurring_bank below): they are measured where it did not. `classifier`: the
// shipped classifier's file (default shipped_classifier()); `brands`: the merchant list (null: none),
// used with the shipped classifier.
inline EvalResult evaluate(const std::vector<EvalRow>& rows, int labelled_percent, const Labeller* rules = &default_labeller(),
                           const LearnOptions& options = {}, bool shipped = true, bool label_held_out = false,
                           std::filesystem::path classifier = {}, const BrandList* brands = shipped_brands()) {
  if (classifier.empty()) classifier = shipped_classifier();
  EvalResult r;
  r.rows = rows.size();
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  LearnedLabeller learner(rules, taxonomy(), options);
  if (shipped && classifier != "none") learner.load_shipped(classifier);
  if (shipped && brands) learner.set_brands(*brands);  // what finseg ships: not with the rules alone
  std::vector<UnlabelledRow> todo;
  std::vector<std::size_t> todo_index;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const EvalRow& e = rows[i];
    const TransactionText text{e.purpose, e.name, e.iban, e.amount};
    // A bank cannot say "deliberately unlabelled": such rows are empty cells, labelled like the rest.
    if ((!e.held_out || label_held_out) && e.truth != 0 && keeps_labels(i, labelled_percent)) {
      learner.observe(text, e.truth);
    } else {
      learner.note_unlabelled(text);
      todo.push_back({text, e.account, e.date});
      todo_index.push_back(i);
    }
  }
  const auto learned = std::chrono::steady_clock::now();
  const std::clock_t cpu_learned = std::clock();
  learner.finish();
  const auto trained = std::chrono::steady_clock::now();
  r.train_cpu_seconds = static_cast<double>(std::clock() - cpu_learned) / CLOCKS_PER_SEC;
  r.learn_seconds = std::chrono::duration<double>(learned - start).count();
  r.train_seconds = std::chrono::duration<double>(trained - learned).count();
  if (std::getenv("FINSEG_EVAL_VERBOSE"))
    std::printf("model: %zu classes, %zu features, %zu sample texts, %.2f s so far\n", learner.model().classes(), learner.model().features(),
                learner.counts().sample.size(), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  std::vector<LabelSet> got(todo.size());
  learner.label(todo, got);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  r.sources = learner.sources();
  for (std::size_t k = 0; k < todo.size(); ++k) {
    const EvalRow& e = rows[todo_index[k]];
    const bool agree = got[k] == e.truth;
    (e.held_out ? r.test_rows : r.seen_rows)++;
    (e.held_out ? r.test_agree : r.seen_agree) += agree;
    if (e.held_out) {
      r.by_truth[e.truth].first++;
      r.by_truth[e.truth].second += agree;
    }
    if (!agree && (e.held_out || std::getenv("FINSEG_EVAL_SEEN"))) {
      auto& m = r.misses[{e.truth, got[k]}];
      if (m.first++ == 0) m.second = e.name + " | " + e.purpose + " | " + std::to_string(e.amount);
      if (std::getenv("FINSEG_EVAL_LIST_MISSES"))
        std::printf("miss: true [%s] got [%s]: %s\n", taxonomy().format(e.truth).c_str(), taxonomy().format(got[k]).c_str(),
                    (e.name + " | " + e.purpose).c_str());
    }
  }
  return r;
}

// A counterparty is held out when the hash of its key falls into the test share.
inline bool held_out_counterparty(std::string_view name, int test_percent) {
  return static_cast<int>(text_hash(counterparty_key(name), 1234) % 100) < test_percent;
}

// The demo bank as evaluation rows, split by counterparty.
inline std::vector<EvalRow> demo_bank_rows(std::int64_t users, int months, std::uint64_t seed, int test_percent = 30) {
  DemoBankParams p;
  p.users = users;
  p.months = months;
  p.seed = seed;
  p.shards = 1;
  p.snapshot_date = days_from_civil(2026, 3, 15);
  const ShardData d = generate_demo_shard(p, 0, taxonomy());
  std::vector<EvalRow> rows;
  rows.reserve(d.transactions());
  for (std::size_t a = 0; a < d.accounts(); ++a)
    for (auto t = static_cast<std::size_t>(d.account_txn_offsets[a]); t < static_cast<std::size_t>(d.account_txn_offsets[a + 1]); ++t)
      rows.push_back({std::string(d.purpose[t]), std::string(d.counterpart_name[t]), std::string(d.counterpart_iban[t]), d.amount[t],
                      d.labels[t], static_cast<std::uint32_t>(a), d.booking_date[t],
                      held_out_counterparty(d.counterpart_name[t], test_percent)});
  return rows;
}

}  // namespace finseg::test

namespace finseg::test {

// tests/data/labeller-corpus.csv: hand-written statement rows of real German counterparties
// with their true labels, in a train and a test part that share no counterparty.
// FINSEG_EVAL_CORPUS names another file in the same columns (the cross-validation of docs/labeller.md).
inline std::vector<EvalRow> corpus_rows(std::filesystem::path path = {}) {
  if (path.empty()) {
    const char* file = std::getenv("FINSEG_EVAL_CORPUS");
    path = file ? std::filesystem::path(file) : std::filesystem::path(FINSEG_SOURCE_DIR) / "tests/data/labeller-corpus.csv";
  }
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot read");
  std::string line;
  std::getline(in, line);  // header
  std::vector<EvalRow> rows;
  std::map<std::string, std::uint32_t> accounts;
  while (std::getline(in, line)) {
    std::vector<std::string> f(1);
    bool quoted = false;
    for (const char c : line) {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) f.emplace_back();
      else f.back().push_back(c);
    }
    if (f.size() != 8) throw std::runtime_error(path.string() + ": bad row: " + line);
    const auto parsed = taxonomy().parse(f[7]);
    if (!parsed.error.empty()) throw std::runtime_error("labeller-corpus.csv: " + parsed.error + ": " + line);
    const MoneyParse amount = parse_money(f[3]);
    const auto date = parse_date(f[2]);
    if (!amount.ok() || !date) throw std::runtime_error("labeller-corpus.csv: bad amount or date: " + line);
    const auto account = accounts.emplace(f[1], static_cast<std::uint32_t>(accounts.size())).first->second;
    // FINSEG_EVAL_PART=train evaluates on the train part instead (to choose thresholds without the test part).
    const char* part = std::getenv("FINSEG_EVAL_PART");
    rows.push_back({f[6], f[4], f[5], amount.value, parsed.set, account, *date, f[0] == (part ? part : "test")});
  }
  return rows;
}

}  // namespace finseg::test

namespace finseg::test {

// The hand-written corpus as a bank's export (docs/labeller.md, "A bank's export"). The corpus
// holds about one row per counterparty, but a bank's export repeats its counterparties: the same
// merchant for many customers, the same employer, insurer and landlord every month. So every
// corpus row becomes 1 to `max_copies` rows (uniformly, by a hash of the row), the row itself and
// copies that vary as a real export varies:
//   - every run of three or more digits that is not a year (2000-2039) is redrawn: reference,
//     order, terminal, store, contract and customer numbers, times;
//   - every copy is another customer's (account + 100000 * copy): the same merchant, insurer,
//     employer or public payer for many customers. (Not the same customer's next month: a tax
//     refund or a friend's repayment repeated monthly on one account would be "income" to the
//     recurrence step, which the demo bank measures with real monthly series instead.)
//   - a card payment (outgoing, no counterpart IBAN) is 9 days later per copy, its amount 80-120 %
//     of the original; every second copy carries the terminal's merchant name as card networks
//     transmit it (ISO 8583 field 43: upper case, at most 22 characters, cut in mid-word when
//     longer: "DEUTSCHE BAHN FERNVERK");
//   - any other row (SEPA debits, standing orders, salaries, transfers) is a month later per copy,
//     with the same amount.
// The truth, the counterparty and its part (train or test) are the original row's: a test-part
// counterparty is still one that finseg's rules and shipped classifier have never seen, but the
// bank labels some of its rows, as a bank labels a merchant it meets a thousand times.
inline std::string redraw_numbers(std::string_view text, std::uint64_t salt) {
  std::string out(text);
  for (std::size_t i = 0; i < out.size();) {
    if (out[i] < '0' || out[i] > '9') {
      ++i;
      continue;
    }
    std::size_t e = i;
    while (e < out.size() && out[e] >= '0' && out[e] <= '9') ++e;
    const bool year = e - i == 4 && out[i] == '2' && out[i + 1] == '0' && out[i + 2] <= '3';
    if (e - i >= 3 && !year) {
      std::uint64_t h = text_hash(out.substr(i, e - i), salt + i);
      for (std::size_t k = i; k < e; ++k, h /= 10) out[k] = static_cast<char>('0' + h % 10);
    }
    i = e;
  }
  return out;
}

// "Deutsche Bahn Fernverkehr AG" -> "DEUTSCHE BAHN FERNVERK": upper case (ASCII letters; an umlaut
// stays), at most 22 bytes, not cutting a UTF-8 character.
inline std::string terminal_name(std::string_view name) {
  std::string out;
  for (const char c : name) out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
  if (out.size() > 22) {
    std::size_t cut = 22;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    while (!out.empty() && out.back() == ' ') out.pop_back();
  }
  return out;
}

inline std::vector<EvalRow> recurring_bank(const std::vector<EvalRow>& corpus, int max_copies = 8, std::uint64_t seed = 2026) {
  std::vector<EvalRow> rows;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    const EvalRow& o = corpus[i];
    const auto n = static_cast<int>(1 + text_hash(std::to_string(i), seed) % static_cast<std::uint64_t>(max_copies));
    const bool card = o.iban.empty() && o.amount < 0 && !o.name.empty();
    rows.push_back(o);
    for (int c = 1; c < n; ++c) {
      EvalRow r = o;
      const std::uint64_t salt = seed * 1000003 + i * 64 + static_cast<std::uint64_t>(c);
      r.purpose = redraw_numbers(o.purpose, salt);
      r.name = redraw_numbers(o.name, salt);
      r.account = o.account + 100000u * static_cast<std::uint32_t>(c);
      if (card) {
        r.date = o.date + 9 * c;
        r.amount = o.amount * static_cast<Cents>(80 + text_hash(std::to_string(salt), 5) % 41) / 100;
        if (r.amount == 0) r.amount = -1;
        if (c % 2 == 1) r.name = terminal_name(r.name);
      } else {
        const MonthNumber m = month_of(o.date) + c;  // the same day of a later month (or its last day)
        r.date = std::min(first_day_of_month(m) + (o.date - first_day_of_month(month_of(o.date))), last_day_of_month(m));
      }
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

}  // namespace finseg::test
