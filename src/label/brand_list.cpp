#include "label/brand_list.hpp"

#include "core/errors.hpp"
#include "label/config_json.hpp"
#include "label/text_fold.hpp"

#include <algorithm>
#include <array>

namespace finseg {

namespace {

using nlohmann::json;

// Words a payment intermediary puts before the merchant's name in the counterpart name
// ("SumUp *Cafe Anna", "PAYPAL *ZALANDO", "www.zalando.de"): skipped before the brand is looked up.
constexpr std::array<std::string_view, 9> kIntermediaryWords = {"sumup", "paypal", "zettle", "izettle", "sq",
                                                                "klarna", "www", "pp", "lsp"};

// "Peek und Cloppenburg", "Peek & Cloppenburg" and "PEEK AND CLOPPENBURG" are one brand: the
// conjunction is dropped from listed names and looked-up keys alike.
void drop_conjunctions(std::string& key) {
  for (const std::string_view word : {std::string_view(" und "), std::string_view(" and ")})
    for (std::size_t at = key.find(word); at != std::string::npos; at = key.find(word, at)) key.erase(at, word.size() - 1);
}

bool is_intermediary(std::string_view token) noexcept {
  return std::find(kIntermediaryWords.begin(), kIntermediaryWords.end(), token) != kIntermediaryWords.end();
}

std::size_t count_tokens(std::string_view key) noexcept {
  return key.empty() ? 0 : 1 + static_cast<std::size_t>(std::count(key.begin(), key.end(), ' '));
}

std::string group_ref(std::size_t index) { return "brands group #" + std::to_string(index + 1); }

LabelSet parse_labels(const json& value, const Taxonomy& taxonomy, const std::string& where) {
  if (!value.is_array() || value.empty()) throw InputError(where + ": \"labels\" must be a non-empty array of label names");
  LabelSet set = 0;
  for (const json& l : value) {
    if (!l.is_string()) throw InputError(where + ": \"labels\" must be a non-empty array of label names");
    const auto bit = taxonomy.bit_of(l.get<std::string>());
    if (!bit) throw InputError(where + ": unknown label '" + l.get<std::string>() + "' (not in the taxonomy)");
    set |= LabelSet{1} << *bit;
  }
  return set;
}

}  // namespace

void BrandList::add(const std::string& name, LabelSet labels, const std::string& where) {
  std::string key = counterparty_key(name);
  drop_conjunctions(key);
  if (key.empty() || !std::any_of(key.begin(), key.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
    throw InputError(where + ": brand '" + name + "' has no letters to match");
  if (count_tokens(key) > kMaxTokens)
    throw InputError(where + ": brand '" + name + "' has more than " + std::to_string(kMaxTokens) + " words");
  if (is_intermediary(key.substr(0, key.find(' '))))
    throw InputError(where + ": brand '" + name + "' starts with a payment intermediary's word, which is skipped");
  const auto [it, fresh] = by_hash_.emplace(text_hash(key, 31), names_.size());
  if (!fresh) throw InputError(where + ": brand '" + name + "' is listed twice (as '" + names_[it->second].first + "')");
  names_.emplace_back(key, labels);
}

BrandList BrandList::parse(std::string_view json_text, const std::string& source, const Taxonomy& taxonomy) {
  const json doc = parse_config_json(json_text, source);
  BrandList list;
  try {
    if (!doc.is_object()) throw InputError("expected {\"brands\": [...]}");
    for (const auto& [key, value] : doc.items())
      if (key != "brands" && key != "comment") throw InputError("unknown top-level key \"" + key + "\" (known: comment, brands)");
    const auto groups = doc.find("brands");
    if (groups == doc.end() || !groups->is_array()) throw InputError("expected {\"brands\": [...]}");
    for (std::size_t g = 0; g < groups->size(); ++g) {
      const json& group = (*groups)[g];
      const std::string where = group_ref(g);
      if (!group.is_object()) throw InputError(where + ": expected {\"labels\": [...], \"names\": [...]}");
      for (const auto& [key, value] : group.items())
        if (key != "labels" && key != "names" && key != "comment")
          throw InputError(where + ": unknown key \"" + key + "\" (known: labels, names, comment)");
      if (!group.contains("labels") || !group.contains("names")) throw InputError(where + ": needs \"labels\" and \"names\"");
      const LabelSet labels = parse_labels(group["labels"], taxonomy, where);
      if (!group["names"].is_array()) throw InputError(where + ": \"names\" must be an array of brand names");
      for (const json& n : group["names"]) {
        if (!n.is_string()) throw InputError(where + ": \"names\" must be an array of brand names");
        list.add(n.get<std::string>(), labels, where);
      }
    }
  } catch (const InputError& e) {
    throw InputError(source + ": " + e.what());
  }
  return list;
}

BrandList BrandList::load(const std::filesystem::path& file, const Taxonomy& taxonomy) {
  return parse(read_config_text(file, "the merchant list"), file.string(), taxonomy);
}

// The first words of the key, longest first: at most kMaxTokens hash look-ups, never a scan.
LabelSet BrandList::find_key(std::string_view key) const {
  if (by_hash_.empty()) return 0;
  std::size_t start = 0;
  while (start < key.size()) {  // skip the intermediary's words
    const std::size_t end = std::min(key.find(' ', start), key.size());
    if (!is_intermediary(key.substr(start, end - start))) break;
    start = end + 1;
  }
  if (start >= key.size()) return 0;
  std::array<std::size_t, kMaxTokens> ends{};  // where the first 1..kMaxTokens words end
  std::size_t words = 0;
  for (std::size_t at = start; words < kMaxTokens && at <= key.size(); ++words) {
    const std::size_t end = std::min(key.find(' ', at), key.size());
    ends[words] = end;
    at = end + 1;
  }
  for (std::size_t w = words; w-- > 0;) {
    const std::string_view candidate = key.substr(start, ends[w] - start);
    const auto it = by_hash_.find(text_hash(candidate, 31));
    if (it != by_hash_.end() && names_[it->second].first == candidate) return names_[it->second].second;
  }
  return 0;
}

LabelSet BrandList::find(const TransactionText& txn) const {
  if (by_hash_.empty() || txn.amount >= 0) return 0;
  thread_local std::string key;  // per-row scratch: no allocation
  // PayPal's own name says nothing; the merchant it names does (only rows with an IBAN carry it).
  if (!txn.counterpart_iban.empty()) {
    if (const std::size_t at = merchant_named_at(txn.purpose); at != std::string_view::npos) {
      counterparty_key(txn.purpose.substr(at), key);
      drop_conjunctions(key);
      if (const LabelSet labels = find_key(key)) return labels;
    }
  }
  counterparty_key(txn.counterpart_name, key);
  drop_conjunctions(key);
  return find_key(key);
}

std::filesystem::path default_label_brands_path(const std::filesystem::path& taxonomy_file) {
  return taxonomy_file.parent_path() / "label-brands.json";
}

}  // namespace finseg
