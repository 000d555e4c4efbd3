// The text folds of the learned labeller (fold_text, classifier_text, counterparty_key) are the
// labeller's features: a changed byte changes the model, so the folds written for speed must give
// exactly what the plain one-byte-at-a-time fold gives, for any bytes (invalid UTF-8 included).
#include "label/text_fold.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace finseg::test {
namespace {

// The reference: the fold as first written, a push_back per byte (src/label/text_fold.cpp before
// it wrote through a pointer).
const char* reference_fold_c3(unsigned char second) {
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

template <class Keep>
std::string reference_kept_tokens(std::string_view text, Keep keep) {
  std::string out;
  std::size_t token = 0;
  const auto end_token = [&] {
    if (token < out.size() && !keep(std::string_view(out.data() + token, out.size() - token))) out.resize(token);
    if (out.size() > token) out.push_back(' ');
    token = out.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      const unsigned char lower = c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + 32) : c;
      if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) out.push_back(static_cast<char>(lower));
      else end_token();
      continue;
    }
    if (c == 0xC3 && i + 1 < text.size()) {
      if (const char* ascii = reference_fold_c3(static_cast<unsigned char>(text[i + 1]))) {
        out.append(ascii);
        ++i;
        continue;
      }
    }
    while (i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) ++i;
    end_token();
  }
  end_token();
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool has_digit(std::string_view t) { return std::any_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }); }

std::string reference_classifier_text(std::string_view text) {
  return reference_kept_tokens(text, [](std::string_view t) { return !has_digit(t); });
}
std::string reference_fold_text(std::string_view text) {
  return reference_kept_tokens(text, [](std::string_view) { return true; });
}

// Random texts from pieces a bank's export holds, and bytes it should not.
std::string random_text(std::mt19937_64& rng) {
  static const std::array<std::string_view, 24> kPieces = {
      "a", "Z", "k", "7", "0", " ", "  ", ".", "-", "/", ",", "+", "\xC3\xA4", "\xC3\x9F", "\xC3\xA9", "\xC3\x84",
      "\xC3\x97", "\xE2\x82\xAC", "\x80", "\xC3", "\xFF", "GmbH", "MREF+X1", "Miete 10/2024"};
  std::uniform_int_distribution<std::size_t> length(0, 40), piece(0, kPieces.size() - 1);
  std::string s;
  for (std::size_t n = length(rng); n > 0; --n) s += kPieces[piece(rng)];
  return s;
}

TEST(TextFold, EqualsTheByteAtATimeFoldForAnyBytes) {
  std::mt19937_64 rng(42);
  std::string out;
  for (int i = 0; i < 50000; ++i) {
    const std::string text = random_text(rng);
    ASSERT_EQ(fold_text(text), reference_fold_text(text)) << "text: " << text;
    classifier_text(text, out);  // into a reused string, as the labeller calls it
    ASSERT_EQ(out, reference_classifier_text(text)) << "text: " << text;
  }
}

// Long runs of ASCII, as most of a bank's texts are, with tokens across every position of the
// 16-byte blocks the fold reads at once, and now and then a byte of UTF-8 that sends it back to
// one byte at a time.
std::string random_ascii_text(std::mt19937_64& rng) {
  static const std::string_view kBytes = "abcXYZ019 .-/+:_\t";
  std::uniform_int_distribution<std::size_t> length(0, 120), byte(0, kBytes.size() - 1), all(0, 127), odd(0, 60);
  std::string s;
  for (std::size_t n = length(rng); n > 0; --n) {
    const std::size_t r = odd(rng);
    if (r == 0) s += "\xC3\xBC";            // an umlaut
    else if (r == 1) s += static_cast<char>(all(rng));  // any ASCII byte, control characters too
    else s += kBytes[byte(rng)];
  }
  return s;
}

TEST(TextFold, EqualsTheByteAtATimeFoldOnLongAsciiTexts) {
  std::mt19937_64 rng(7);
  std::string out;
  for (int i = 0; i < 50000; ++i) {
    const std::string text = random_ascii_text(rng);
    ASSERT_EQ(fold_text(text), reference_fold_text(text)) << "text: " << text;
    classifier_text(text, out);
    ASSERT_EQ(out, reference_classifier_text(text)) << "text: " << text;
  }
}

TEST(TextFold, KnownTexts) {
  EXPECT_EQ(classifier_text("SEPA-Lastschrift Miete 10/2024 M\xC3\xBCller"), "sepa lastschrift miete mueller");
  EXPECT_EQ(fold_text("Stra\xC3\x9F" "e 12, K\xC3\xB6ln"), "strasse 12 koeln");
  EXPECT_EQ(counterparty_key("Allianz Versicherungs-AG"), "allianz versicherungs");
  EXPECT_EQ(counterparty_key("1&1 GmbH"), "1 1 gmbh");
  EXPECT_EQ(fold_text(""), "");
  EXPECT_EQ(fold_text("..."), "");
  EXPECT_EQ(fold_text("\xC3"), "");
}

}  // namespace
}  // namespace finseg::test
