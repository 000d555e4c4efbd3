#include "label/text_fold.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace finseg {

// German umlauts become two letters, as German bank exports write them without umlauts.
const char* fold_c3(unsigned char second) noexcept {
  switch (second) {
    case 0xA4: case 0x84: return "ae";
    case 0xB6: case 0x96: return "oe";
    case 0xBC: case 0x9C: return "ue";
    case 0x9F: return "ss";
    case 0xA0: case 0xA1: case 0xA2: case 0xA3: case 0xA5: case 0x80: case 0x81: case 0x82: case 0x83: case 0x85: return "a";
    case 0xA7: case 0x87: return "c";
    case 0xA8: case 0xA9: case 0xAA: case 0xAB: case 0x88: case 0x89: case 0x8A: case 0x8B: return "e";
    case 0xAC: case 0xAD: case 0xAE: case 0xAF: case 0x8C: case 0x8D: case 0x8E: case 0x8F: return "i";
    case 0xB1: case 0x91: return "n";
    case 0xB2: case 0xB3: case 0xB4: case 0xB5: case 0xB8: case 0x92: case 0x93: case 0x94: case 0x95: case 0x98: return "o";
    case 0xB9: case 0xBA: case 0xBB: case 0x99: case 0x9A: case 0x9B: return "u";
    default: return nullptr;
  }
}

namespace {

// Locale-free ASCII case mapping: std::tolower is a library call per byte.
constexpr unsigned char ascii_lower(unsigned char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + 32) : c; }
constexpr char ascii_upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

constexpr bool ascii_alnum(unsigned char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Legal forms and their pieces once punctuation is gone ("e.V." -> "e v", "GmbH & Co. KG"), and
// the words that introduce a branch number ("Fil. 4711").
constexpr std::array<std::string_view, 27> kLegalForms = {
    "gmbh", "ag", "se", "kg", "kgaa", "ohg", "gbr", "eg", "ev", "ek", "ug", "mbh", "co", "haftungsbeschraenkt",
    "ltd", "inc", "llc", "sarl", "sa", "bv", "nv", "plc", "vvag", "vag", "fil", "filiale", "nr"};

bool is_legal_form(std::string_view token) noexcept {
  return std::find(kLegalForms.begin(), kLegalForms.end(), token) != kLegalForms.end();
}

// What an ASCII byte folds to: its lower-case letter or digit, or 0 for a separator.
constexpr std::array<char, 128> kFoldAscii = [] {
  std::array<char, 128> t{};
  for (unsigned c = 0; c < 128; ++c) {
    const unsigned char lower = ascii_lower(static_cast<unsigned char>(c));
    t[c] = ascii_alnum(lower) ? static_cast<char>(lower) : '\0';
  }
  return t;
}();

// The tokens of fold_text(text) that `keep` accepts, blank-separated, into `out`: folded in one
// pass straight into `out`, a token taken back when `keep` rejects it (no second string; this
// runs two or three times per imported row with --labels learn). Written through a pointer into
// room made once: a byte in gives at most one byte out (an umlaut's two bytes give at most two,
// the byte that ends a token its blank), so text.size() + 1 bytes always hold it. A push_back per
// byte, with its capacity check, made this ~30 instructions per byte (17 % of a learning
// import's instructions, docs/performance.md 6).
template <class Keep>
void kept_tokens(std::string_view text, Keep keep, std::string& out) {
  out.resize(text.size() + 1);
  char* const base = out.data();
  char* w = base;
  char* token = base;  // where the current token starts
  const auto end_token = [&] {
    if (w > token && !keep(std::string_view(token, static_cast<std::size_t>(w - token)))) w = token;
    if (w > token) *w++ = ' ';  // a kept token: the blank after it
    token = w;
  };
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (const char f = kFoldAscii[c]) *w++ = f;
      else end_token();
      continue;
    }
    if (c == 0xC3 && i + 1 < n) {
      if (const char* ascii = fold_c3(p[i + 1])) {
        *w++ = ascii[0];
        if (ascii[1] != '\0') *w++ = ascii[1];
        ++i;
        continue;
      }
    }
    while (i + 1 < n && (p[i + 1] & 0xC0) == 0x80) ++i;
    end_token();
  }
  end_token();
  if (w > base && w[-1] == ' ') --w;
  out.resize(static_cast<std::size_t>(w - base));
}

}  // namespace


std::string fold_text(std::string_view text) {
  std::string out;
  fold_text(text, out);
  return out;
}

void fold_text(std::string_view text, std::string& out) {
  kept_tokens(text, [](std::string_view) { return true; }, out);
}

namespace {

bool has_digit(std::string_view token) noexcept {
  return std::any_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string counterparty_key(std::string_view name) {
  std::string key;
  counterparty_key(name, key);
  return key;
}

void counterparty_key(std::string_view name, std::string& key) {
  kept_tokens(name, [](std::string_view t) { return t.size() > 1 && !has_digit(t) && !is_legal_form(t); }, key);
  // A name made only of digits and legal forms ("1&1 GmbH") keeps its folded form.
  if (key.empty()) fold_text(name, key);
}

std::string classifier_text(std::string_view text) {
  std::string out;
  classifier_text(text, out);
  return out;
}

void classifier_text(std::string_view text, std::string& out) {
  kept_tokens(text, [](std::string_view t) { return !has_digit(t); }, out);
}

namespace {

// The token after `marker` (case-insensitive ASCII), up to a blank, '/' or the end.
std::string token_after(std::string_view text, std::string_view marker) {
  for (std::size_t i = 0; i + marker.size() <= text.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < marker.size() && match; ++k)
      match = ascii_upper(text[i + k]) == marker[k];
    if (!match) continue;
    std::size_t j = i + marker.size();
    while (j < text.size() && text[j] == ' ') ++j;
    std::string token;
    for (; j < text.size() && text[j] != ' ' && text[j] != '/' && text[j] != ','; ++j)
      token.push_back(ascii_upper(text[j]));
    return token;
  }
  return {};
}

}  // namespace

SepaIds sepa_ids(std::string_view purpose) {
  SepaIds ids;
  // Every marker has a '+' or a ':': most texts stop here. Two vectorised scans of the text:
  // find_first_of("+:") called memchr on the two markers once per byte of it (11 % of a learning
  // import's instructions, docs/performance.md 6).
  if (purpose.find('+') == std::string_view::npos && purpose.find(':') == std::string_view::npos) return ids;
  ids.creditor_id = token_after(purpose, "CRED+");
  if (ids.creditor_id.empty()) ids.creditor_id = token_after(purpose, "CI:");
  if (ids.creditor_id.empty()) ids.creditor_id = token_after(purpose, "GLAEUBIGER-ID:");
  ids.mandate = token_after(purpose, "MREF+");
  if (ids.mandate.empty()) ids.mandate = token_after(purpose, "MANDAT:");
  return ids;
}

std::size_t merchant_named_at(std::string_view purpose) {
  for (const std::string_view marker : {std::string_view("Einkauf bei "), std::string_view("EINKAUF BEI ")}) {
    const std::size_t at = purpose.find(marker);
    if (at != std::string_view::npos && at + marker.size() < purpose.size()) return at + marker.size();
  }
  return std::string_view::npos;
}

// Eight bytes at a time (a multiply-xorshift mix per word, as in wyhash/MurmurHash's finaliser):
// FNV-1a's byte-at-a-time loop was 7 % of an import's labelling CPU (perf). The words are read
// little-endian whatever the machine, so keys, samples and the shipped classifier's features
// are the same everywhere.
std::uint64_t text_hash(std::string_view text, std::uint64_t salt) noexcept {
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  std::uint64_t h = 0xCBF29CE484222325ULL ^ (salt * kMul) ^ (text.size() * 0xFF51AFD7ED558CCDULL);
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  const auto mix = [&](std::uint64_t w) {
    h ^= w;
    h *= kMul;
    h ^= h >> 29;
  };
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w = 0;
    for (int b = 7; b >= 0; --b) w = (w << 8) | p[b];  // little-endian load; compilers emit one mov
    mix(w);
  }
  if (n > 0) {
    std::uint64_t w = 0;
    for (std::size_t b = n; b-- > 0;) w = (w << 8) | p[b];
    mix(w);
  }
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  h ^= h >> 33;
  return h;
}

}  // namespace finseg
