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
// it wrote through a pointer), with the same table of two-byte letters (fold_c3).
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
      if (const char* ascii = fold_c3(static_cast<unsigned char>(text[i + 1]))) {
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

// 50,000 texts of `make` folded both ways, classifier_text into a reused string as the labeller
// calls it.
template <class Make>
void expect_folds_equal_reference(std::uint64_t seed, Make make) {
  std::mt19937_64 rng(seed);
  std::string out;
  for (int i = 0; i < 50000; ++i) {
    const std::string text = make(rng);
    ASSERT_EQ(fold_text(text), reference_fold_text(text)) << "text: " << text;
    classifier_text(text, out);
    ASSERT_EQ(out, reference_classifier_text(text)) << "text: " << text;
  }
}

TEST(TextFold, EqualsTheByteAtATimeFoldForAnyBytes) { expect_folds_equal_reference(42, random_text); }

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

TEST(TextFold, EqualsTheByteAtATimeFoldOnLongAsciiTexts) { expect_folds_equal_reference(7, random_ascii_text); }

TEST(TextFold, KnownTexts) {
  EXPECT_EQ(classifier_text("SEPA-Lastschrift Miete 10/2024 M\xC3\xBCller"), "sepa lastschrift miete mueller");
  EXPECT_EQ(fold_text("Stra\xC3\x9F" "e 12, K\xC3\xB6ln"), "strasse 12 koeln");
  EXPECT_EQ(counterparty_key("Allianz Versicherungs-AG"), "allianz versicherungs");
  EXPECT_EQ(counterparty_key("1&1 GmbH"), "1 1 gmbh");
  EXPECT_EQ(fold_text(""), "");
  EXPECT_EQ(fold_text("..."), "");
  EXPECT_EQ(fold_text("\xC3"), "");
}

// The table both folds share: umlauts spelt out, accents dropped, other second bytes not letters.
TEST(TextFold, TwoByteLetters) {
  EXPECT_STREQ(fold_c3(0xA4), "ae");  // ä
  EXPECT_STREQ(fold_c3(0x96), "oe");  // Ö
  EXPECT_STREQ(fold_c3(0x9F), "ss");  // ß
  EXPECT_STREQ(fold_c3(0xA9), "e");   // é
  EXPECT_STREQ(fold_c3(0x87), "c");   // Ç
  EXPECT_EQ(fold_c3(0x97), nullptr);  // ×
  EXPECT_EQ(fold_c3(0xB7), nullptr);  // ÷
}

}  // namespace
}  // namespace finseg::test
