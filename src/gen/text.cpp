#include "gen/text.hpp"

#include <array>

namespace finseg::gen {

namespace {
// Real-looking German bank codes (BLZ): Bundesbank, Sparkassen, Volksbanken, private banks.
constexpr std::array<std::uint64_t, 16> kBankCodes = {
    10070000, 20050550, 37040044, 50010517, 70150000, 76010085, 12030000, 43060967,
    60050101, 30020900, 50070010, 10050000, 25050180, 70020270, 36050105, 86055592};
}  // namespace

TextArena& TextArena::iban(std::uint64_t h) {
  const std::uint64_t blz = kBankCodes[h % kBankCodes.size()];
  const std::uint64_t account = (h >> 8) % 10000000000ULL;
  // Check digits per ISO 13616: BBAN followed by "DE00" as digits (D=13, E=14), mod 97.
  std::uint64_t rem = 0;
  auto feed = [&rem](std::uint64_t value, std::uint64_t digits) {
    std::uint64_t scale = 1;
    for (std::uint64_t i = 1; i < digits; ++i) scale *= 10;
    for (; scale > 0; scale /= 10) rem = (rem * 10 + (value / scale) % 10) % 97;
  };
  feed(blz, 8);
  feed(account, 10);
  feed(131400, 6);
  s("DE").u(98 - rem, 2).u(blz, 8).u(account, 10);
  return *this;
}

std::string_view german_month_upper(MonthNumber m) noexcept {
  static constexpr std::array<std::string_view, 12> kNames = {
      "JANUAR", "FEBRUAR", "MAERZ", "APRIL", "MAI", "JUNI", "JULI", "AUGUST", "SEPTEMBER", "OKTOBER", "NOVEMBER", "DEZEMBER"};
  return kNames[static_cast<std::size_t>(m % 12)];
}

}  // namespace finseg::gen
