// A month's discretionary spending: groceries, restaurants, shopping, entertainment, travel,
// fuel, cash, payments to friends and (for a few) gambling. How many purchases a user makes
// depends on the user's activity; how much they add up to follows the month's budget.
#include "gen/catalog.hpp"
#include "gen/user_sim.hpp"

#include <algorithm>

namespace finseg::gen {

namespace {
enum Category : int { kGroceries, kRestaurants, kShopping, kEntertainment, kTravel, kFuel, kCash, kFriends, kGambling, kCategories };

struct CategoryModel {
  int count_lo, count_hi;  // purchases a month at average activity
  std::int64_t lo, hi;     // raw amount in cents (skewed towards lo)
  int card_permille;       // share paid by credit card when the user has one
};
constexpr CategoryModel kModels[kCategories] = {
    {8, 15, 800, 11000, 200},   {1, 6, 600, 7000, 550},   {1, 6, 900, 20000, 550},
    {0, 3, 800, 8000, 550},     {0, 2, 1900, 60000, 650}, {1, 4, 3000, 9500, 300},
    {1, 4, 2000, 20000, 0},     {0, 2, 1000, 15000, 0},   {2, 8, 500, 5000, 300}};

template <class Array>
int index_in(Rng& rng, const Array& a) {
  return static_cast<int>(rng.index(a.size()));
}

constexpr std::string_view kFriendPurposes[] = {"Danke fürs Essen", "Geschenk Anna", "Konzertkarten", "Anteil Urlaub",
                                                "Rückzahlung", "Tankgeld", "Stellplatz", "Geburtstag"};
}  // namespace

void UserSimulator::discretionary(MonthNumber m, Cents budget) {
  const Day first = first_day_of_month(m);
  const int dim = last_day_of_month(m) - first + 1;
  const bool card = acc_[kCard].active;
  const bool summer = m % 12 == 6 || m % 12 == 7;
  purchases_.clear();
  Cents raw_total = 0;
  for (int cat = 0; cat < kCategories; ++cat) {
    if ((cat == kFuel && !has_car_) || (cat == kGambling && !gambler_)) continue;
    const CategoryModel& model = kModels[cat];
    int n = rng_.irange(model.count_lo, model.count_hi) + (cat == kTravel && summer ? rng_.irange(1, 3) : 0);
    n = (n * activity_ + 500) / 1000;
    for (int k = 0; k < n; ++k) {
      Purchase p;
      const bool on_card = card && rng_.permille(model.card_permille);
      p.slot = on_card ? kCard : kChk;
      p.day = business_day(first + rng_.irange(0, dim - 1));
      p.category = cat;
      p.raw = cat == kCash ? rng_.pick(std::array<Cents, 5>{2000, 5000, 10000, 15000, 20000}) : rng_.skewed(model.lo, model.hi);
      switch (cat) {
        case kGroceries: p.merchant = index_in(rng_, catalog::kGroceries); break;
        case kRestaurants: p.merchant = index_in(rng_, catalog::kRestaurants); break;
        case kShopping: p.merchant = index_in(rng_, catalog::kShopping); break;
        case kEntertainment: p.merchant = index_in(rng_, catalog::kEntertainment); break;
        case kTravel: p.merchant = index_in(rng_, catalog::kTravel); break;
        case kFuel: p.merchant = index_in(rng_, catalog::kFuel); break;
        case kGambling: p.merchant = index_in(rng_, catalog::kGambling); break;
        default: p.merchant = static_cast<int>(rng_.below(1000));
      }
      if (cat != kGambling) raw_total += p.raw;
      purchases_.push_back(p);
    }
  }
  // Scale to the budget, within reason: a tight month buys cheaper, a good month spends more.
  const Cents scale = raw_total > 0 ? std::clamp<Cents>(budget * 1000 / raw_total, 350, 2500) : 1000;

  const auto city = catalog::kCities[static_cast<std::size_t>(city_)];
  for (const Purchase& p : purchases_) {
    Cents amount = p.category == kGambling ? p.raw : std::max<Cents>(50, p.raw * scale / 1000);
    const auto mi = static_cast<std::size_t>(p.merchant);
    const bool card_slot = p.slot == kCard;
    const auto store_no = static_cast<std::uint64_t>(hash2(static_cast<std::uint64_t>(index_), mi) % 9000 + 1000);
    auto merchant = [&](const catalog::Merchant& mer, LabelSet labels) {
      if (rng_.permille(20)) labels |= L_.lifestyle_group;
      text_.begin().s(mer.purpose).u(store_no);
      if (!card_slot && rng_.permille(500)) text_.s("//").s(city).s("/DE");
      const TextRef purpose = text_.end();
      add(p.slot, p.day, -amount, labels, text_.put(mer.name), {}, purpose);
    };
    switch (p.category) {
      case kGroceries: merchant(catalog::kGroceries[mi], L_.groceries); break;
      case kRestaurants: merchant(catalog::kRestaurants[mi], L_.restaurants); break;
      case kEntertainment: merchant(catalog::kEntertainment[mi], L_.entertainment); break;
      case kTravel: merchant(catalog::kTravel[mi], L_.travel); break;
      case kFuel: merchant(catalog::kFuel[mi], 0); break;  // no taxonomy label for fuel
      case kShopping: {
        const auto& mer = catalog::kShopping[mi];
        if (!card_slot && (mi == 0 || mi == 1 || mi == 8)) {  // online shops collect by SEPA direct debit
          const TextRef purpose = text_.begin().s(mer.purpose).u(rng_.below(9000000) + 1000000).c('-').u(rng_.below(9000000) + 1000000).end();
          add(kChk, p.day, -amount, L_.shopping, text_.put(mer.name), company_iban(mer.name), purpose);
          if (rng_.permille(80) && p.day + 10 <= first + dim - 1)  // a return
            add(kChk, p.day + 10, amount / 2, L_.shopping, text_.put(mer.name), company_iban(mer.name),
                text_.begin().s("Gutschrift Retoure ").s(text_.view(purpose)).end());
        } else {
          merchant(mer, L_.shopping);
        }
        break;
      }
      case kCash: {
        amount = std::max<Cents>(1000, amount / 1000 * 1000);
        add(kChk, p.day, -amount, 0, {}, {},
            text_.begin().s("Bargeldauszahlung GA ").u(store_no).c(' ').s(city).c(' ').date(p.day).end());
        break;
      }
      case kFriends: {
        const bool incoming = rng_.permille(300);
        const TextRef name = text_.begin()
                                 .s(catalog::kFirstNames[static_cast<std::size_t>(p.merchant % 32)])
                                 .c(' ')
                                 .s(catalog::kLastNames[static_cast<std::size_t>(p.merchant / 32 % 32)])
                                 .end();
        add(kChk, p.day, incoming ? amount / 100 * 100 : -(amount / 100 * 100), 0, name,
            text_.iban_ref(hash2(static_cast<std::uint64_t>(index_), static_cast<std::uint64_t>(p.merchant))),
            text_.put(kFriendPurposes[static_cast<std::size_t>(p.merchant) % std::size(kFriendPurposes)]));
        break;
      }
      case kGambling: {
        const auto& mer = catalog::kGambling[mi];
        const bool win = rng_.permille(100);
        const Cents value = win ? amount * static_cast<Cents>(rng_.irange(2, 10)) : -amount;
        const TextRef purpose = win ? text_.begin().s("Gewinnauszahlung ").s(mer.name).end()
                                    : text_.begin().s(mer.purpose).u(rng_.below(900000) + 100000).end();
        add(card_slot ? kCard : kChk, p.day, value, L_.gambling, text_.put(mer.name), card_slot ? TextRef{} : company_iban(mer.name),
            purpose);
        break;
      }
      default: break;
    }
  }
}

}  // namespace finseg::gen
