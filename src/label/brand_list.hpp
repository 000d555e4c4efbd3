// The merchant list (config/label-brands.json, docs/labeller.md "The merchant list"): real brands
// and chains with their trade, written from public knowledge. A card payment whose text is only a
// brand name (a fashion chain's, a hotel chain's) tells no text model its trade; real categorisers
// solve that with a merchant database, and this is finseg's. The learned labeller asks it after
// the explicit rules and the bank's memory, before every classifier.
#pragma once

#include "core/taxonomy.hpp"
#include "label/labeller.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace finseg {

class BrandList {
 public:
  BrandList() = default;

  // Parses the JSON text of a merchant list; `source` names it in every error. Throws InputError
  // naming the source, the group and the name on invalid JSON, an unknown key, a label the
  // taxonomy does not have, a name with no letters or of more than kMaxTokens words, or a name
  // listed twice (after normalisation: "Rewe" and "REWE GmbH" are one name).
  static BrandList parse(std::string_view json_text, const std::string& source, const Taxonomy& taxonomy);
  // Throws IoError when the file cannot be read, InputError as parse().
  static BrandList load(const std::filesystem::path& file, const Taxonomy& taxonomy);

  // The labels of the brand an outgoing payment goes to, 0 when none is known: the brand is the
  // first words of the counterparty key (counterparty_key: case, umlauts, legal forms, store
  // numbers folded), after a payment intermediary's prefix ("SumUp *", "PAYPAL *"), the longest
  // listed name first ("und"/"and" dropped: "Peek und Cloppenburg" is "Peek & Cloppenburg"); a PayPal purpose's "Ihr Einkauf bei <merchant>" is asked before the name.
  // Incoming payments get 0: a retailer is also an employer and refunds are no purchases.
  LabelSet find(const TransactionText& txn) const;
  // The same for a name already folded by counterparty_key (and without "und"/"and").
  LabelSet find_key(std::string_view key) const;

  std::size_t size() const noexcept { return names_.size(); }
  bool empty() const noexcept { return names_.empty(); }

  static constexpr std::size_t kMaxTokens = 4;

 private:
  void add(const std::string& key, LabelSet labels, const std::string& where);

  std::vector<std::pair<std::string, LabelSet>> names_;  // normalised name, labels
  std::unordered_map<std::uint64_t, std::size_t> by_hash_;  // text_hash(name) -> index into names_
};

// config/label-brands.json: label-brands.json in the folder of the taxonomy file.
std::filesystem::path default_label_brands_path(const std::filesystem::path& taxonomy_file);

}  // namespace finseg
