// Text normalisation for the learned labeller (docs/labeller.md, "Learning from the bank"):
// the same counterparty written differently ("REWE Markt GmbH Fil. 4711", "Rewe Markt") must
// give one key, and a purpose must give the same features whatever its dates and numbers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace finseg {

// Lower case, German umlauts spelt out (ä -> ae, ß -> ss), common Latin accents dropped
// (é -> e), every other byte that is not a letter or digit a single blank; no leading or
// trailing blank. Digits are kept.
std::string fold_text(std::string_view text);
// The same into `out` (cleared first): no allocation once `out` has grown, for the per-row paths.
void fold_text(std::string_view text, std::string& out);

// The ASCII spelling of a two-byte UTF-8 letter whose lead byte is 0xC3, given its second byte
// (0xA4, ä -> "ae"; 0xA9, é -> "e"), or nullptr when it is no letter fold_text spells out.
const char* fold_c3(unsigned char second) noexcept;

// The counterparty key of a name: fold_text, then without legal forms (GmbH, AG, SE, KG, e.V.,
// ...), without tokens that contain a digit (store and branch numbers) and without one-letter
// tokens. Empty when nothing is left.
std::string counterparty_key(std::string_view name);
void counterparty_key(std::string_view name, std::string& out);

// "Entgelt 06/2025, Abrechnung Nr. 779" -> "entgelt abrechnung nr": the classifier's view of a
// text (fold_text without the tokens that contain digits).
std::string classifier_text(std::string_view text);
void classifier_text(std::string_view text, std::string& out);  // into out, cleared first

// The SEPA creditor id (after "CRED+" or "CI:"/"Gläubiger-ID") and mandate reference (after
// "MREF+") a purpose carries, upper-cased; empty when absent.
struct SepaIds {
  std::string creditor_id;
  std::string mandate;
};
SepaIds sepa_ids(std::string_view purpose);

// Where a payment intermediary names the merchant it paid: PayPal's purpose ends in "Ihr Einkauf
// bei <merchant>" (or in capitals); npos when absent. Two library searches (memchr-driven): a
// byte loop here cost 5 % of the labeller's CPU.
std::size_t merchant_named_at(std::string_view purpose);

// A 64-bit hash of a text (eight bytes at a time, little-endian, final mix): the key of a text in
// the learned state's tables and of a classifier feature.
std::uint64_t text_hash(std::string_view text, std::uint64_t salt = 0) noexcept;

}  // namespace finseg
