// One month of a demo user's regular traffic: income, living costs, insurance, loans,
// investments and transfers between the user's own accounts; then the month is closed (sorted,
// end-of-day balances walked for the overdraft interest and the spending feedback).
#include "gen/catalog.hpp"
#include "gen/user_sim.hpp"

#include <algorithm>

namespace finseg::gen {

namespace {
constexpr Slot kAllSlots[] = {kChk, kSav, kCard, kDepot, kLoan, kPocket, kMember, kBauspar};
}

Day UserSimulator::day_in(MonthNumber m, int day) const {
  const Day first = first_day_of_month(m);
  const int dim = last_day_of_month(m) - first + 1;
  return business_day(first + std::clamp(day, 1, dim) - 1);
}

bool UserSimulator::add(Slot s, Day d, Cents amount, LabelSet labels, TextRef name, TextRef iban, TextRef purpose) {
  auto& a = acc_[static_cast<std::size_t>(s)];
  if (!a.active || d > a.balance_date || d < first_day_) return false;
  a.events.push_back({d, amount, labels, name, iban, purpose});
  a.sum += amount;
  if (s == kCard && !settling_) card_pending_ -= amount;
  return true;
}

void UserSimulator::transfer(Slot from, Slot to, Day d, Cents amount, std::string_view purpose) {
  const TextRef p = text_.put(purpose);
  add(from, d, -amount, 0, own_name_, text_.iban_ref(acc_[static_cast<std::size_t>(to)].iban_seed), p);
  add(to, d, amount, 0, own_name_, text_.iban_ref(acc_[static_cast<std::size_t>(from)].iban_seed), p);
}

TextRef UserSimulator::provider_name(std::string_view name, bool noisy) {
  if (!noisy || rng_.permille(650)) return text_.put(name);
  const auto space = name.find(' ');
  const int variant = space == std::string_view::npos ? rng_.irange(1, 2) : rng_.irange(0, 3);
  text_.begin();
  if (variant == 0) text_.s(name.substr(0, space)).s("  ").s(name.substr(space + 1));
  else if (variant == 1) text_.c(' ').s(name);
  else if (variant == 2) text_.s(name).c(' ');
  else text_.s(name.substr(0, space)).c('\t').s(name.substr(space + 1));
  return text_.end();
}

void UserSimulator::simulate_month(MonthNumber m) {
  for (const Slot s : kAllSlots) acc_[s].month_begin = acc_[s].events.size();
  income(m);
  living_costs(m);
  insurance(m);
  loans_and_investments(m);
  own_transfers(m);

  // Spending follows the money: what is left after fixed costs, pulled towards the persona's
  // usual monthly low point (a saver stays high, an overdraft-prone user sinks below zero).
  Cents fixed_out = 0;
  const auto& chk = acc_[kChk].events;
  for (std::size_t i = acc_[kChk].month_begin; i < chk.size(); ++i)
    if (chk[i].amount < 0) fixed_out -= chk[i].amount;
  Cents budget = income_ + children_ * 25500 - fixed_out + (prev_min_ - target_low_) / 2;
  budget = budget * rng_.range(80, 120) / 100;
  const Cents floor = std::min(Cents{25000} * activity_ / 1000, income_ / 4);
  budget = std::clamp(budget, floor, std::max(floor, income_ * 2));
  discretionary(m, budget);
  close_month(m);
}

void UserSimulator::income(MonthNumber m) {
  const int moy = m % 12;
  if (m > first_month_ && moy == 0 && income_kind_ == IncomeKind::employee) income_ += income_ * rng_.range(0, 40) / 1000;
  if (m > first_month_ && moy == 6 && income_kind_ == IncomeKind::pensioner) income_ += income_ * rng_.range(30, 50) / 1000;
  const Day pay = day_in(m, pay_day_);
  switch (income_kind_) {
    case IncomeKind::employee:
    case IncomeKind::minijob: {
      const MonthNumber paid_for = pay_day_ == 1 ? m - 1 : m;
      const auto employer = catalog::kEmployers[static_cast<std::size_t>(employer_)];
      const Cents amount = rng_.permille(800) ? income_ : income_ + income_ * rng_.range(-50, 80) / 1000;
      text_.begin().s(catalog::kSalaryTexts[static_cast<std::size_t>(salary_text_)]);
      if (salary_text_ == 1) text_.s(german_month_upper(paid_for)).c(' ').u(static_cast<std::uint64_t>(paid_for / 12));
      else text_.month(paid_for);
      if (salary_text_ == 2) text_.s(" PersNr ").u(static_cast<std::uint64_t>(index_ % 90000 + 10000));
      const TextRef purpose = text_.end();
      add(kChk, pay, amount, L_.salary, text_.put(employer), company_iban(employer), purpose);
      if (moy == 10 && income_kind_ == IncomeKind::employee && employer_ % 3 != 0)
        add(kChk, pay, income_ * rng_.range(30, 100) / 100, L_.salary, text_.put(employer), company_iban(employer),
            text_.begin().s("WEIHNACHTSGELD ").u(static_cast<std::uint64_t>(m / 12)).end());
      break;
    }
    case IncomeKind::pensioner: {
      const std::string_view drv = "Deutsche Rentenversicherung Bund";
      add(kChk, pay, income_, L_.pension, text_.put(drv), company_iban(drv),
          text_.begin().s("RENTE ").month(m + 1).s(" RV-NR ").u(static_cast<std::uint64_t>(index_ % 89 + 10), 2).c(' ')
              .u(static_cast<std::uint64_t>(hash2(index_, 7) % 900000 + 100000)).s(" K 123").end());
      break;
    }
    case IncomeKind::unemployed: {
      const bool alg = pay_day_ == 31;
      const std::string_view payer = alg ? "Bundesagentur für Arbeit" : "Jobcenter Berlin Mitte";
      text_.begin().s(alg ? "ALG I " : "Bürgergeld ").month(m);
      text_.s(alg ? " Kd-Nr. " : " BG-Nr. ").u(static_cast<std::uint64_t>(index_ % 900 + 100)).s(alg ? "D" : "//").u(static_cast<std::uint64_t>(index_ % 900000 + 100000), 6);
      add(kChk, pay, income_, L_.unemployment, text_.put(payer), company_iban(payer), text_.end());
      break;
    }
  }
  if (children_ > 0) {
    const std::string_view fk = "Familienkasse Nordrhein-Westfalen";
    add(kChk, day_in(m, 5 + static_cast<int>(index_ % 10)), children_ * 25500, L_.child, text_.put(fk), company_iban(fk),
        text_.begin().s("KG ").u(static_cast<std::uint64_t>(index_ % 900 + 100)).s("FK").u(static_cast<std::uint64_t>(index_ % 1000000), 6).s(" Kindergeld ").month(m).end());
  }
  if (landlord_) {
    const std::string_view tenant = catalog::kLastNames[static_cast<std::size_t>((index_ + 3) % 32)];
    add(kChk, day_in(m, 3), rental_income_, L_.rental, text_.begin().s(catalog::kFirstNames[static_cast<std::size_t>(index_ % 32)]).c(' ').s(tenant).end(),
        text_.iban_ref(hash2(index_, 99)), text_.begin().s("Miete Whg. 2.OG links ").month(m).end());
  }
  if (moy == 6 && income_kind_ == IncomeKind::employee && rng_.permille(400)) {
    text_.begin().s("Finanzamt ").s(catalog::kCities[static_cast<std::size_t>(city_)]);
    const TextRef fa = text_.end();
    const Day d = day_in(m, rng_.irange(1, 28));
    add(kChk, d, euros_and_cents(100, 2000), 0, fa, text_.iban_ref(hash_text(text_.view(fa))),
        text_.begin().s("EINKOMMENSTEUER ").u(static_cast<std::uint64_t>(m / 12 - 1)).s(" ERSTATTUNG STNR 123/456/").u(static_cast<std::uint64_t>(index_ % 100000), 5).end());
  }
}

void UserSimulator::living_costs(MonthNumber m) {
  const int moy = m % 12;
  const auto city = catalog::kCities[static_cast<std::size_t>(city_)];
  const auto street = catalog::kStreets[static_cast<std::size_t>(street_)];
  if (renter_) {
    if (m > first_month_ && moy == 0 && rng_.permille(300)) rent_ += rent_ * rng_.range(20, 40) / 1000;
    const auto landlord = catalog::kLandlords[static_cast<std::size_t>(landlord_idx_)];
    text_.begin();
    if (landlord_idx_ % 2 == 0) text_.s("Miete ").month(m).c(' ').s(street).c(' ').u(static_cast<std::uint64_t>(house_no_));
    else text_.s("Miete Wohnung ").s(street).c(' ').u(static_cast<std::uint64_t>(house_no_)).s(" Mieternr. ").u(static_cast<std::uint64_t>(index_ % 100000), 5);
    const TextRef purpose = text_.end();
    add(kChk, day_in(m, rent_day_), -rent_, L_.rent, text_.put(landlord), company_iban(landlord), purpose);
    if (moy == (bill_month_ + 5) % 12) {
      const Cents amount = rng_.permille(700) ? -skewed_euros(50, 600) : skewed_euros(20, 300);
      const Day d = day_in(m, rng_.irange(5, 25));
      add(kChk, d, amount, L_.rent, text_.put(landlord), company_iban(landlord),
          text_.begin().s("Betriebskostenabrechnung ").u(static_cast<std::uint64_t>(m / 12 - 1)).c(' ').s(street).end());
    }
  } else if (property_cost_ > 0) {
    text_.begin().s("WEG ").s(street).c(' ').u(static_cast<std::uint64_t>(house_no_)).s(" Hausverwaltung");
    const TextRef weg = text_.end();
    add(kChk, day_in(m, 3), -property_cost_, L_.property, weg, text_.iban_ref(hash2(index_, 11)),
        text_.begin().s("Hausgeld ").month(m).s(" Whg. ").u(static_cast<std::uint64_t>(index_ % 40 + 1)).end());
  } else if (moy % 3 == 1) {
    add(kChk, day_in(m, 15), property_cost_ / 4, L_.property, text_.begin().s("Stadtkasse ").s(city).end(), text_.iban_ref(hash_text(city)),
        text_.begin().s("Grundsteuer ").u(static_cast<std::uint64_t>(m / 12)).s(" Kassenzeichen ").u(static_cast<std::uint64_t>(index_ % 1000000 + 5000000)).end());
  }

  const auto energy = catalog::kEnergy[static_cast<std::size_t>(energy_)];
  const TextRef energy_iban = company_iban(energy);
  if (moy == bill_month_ && m > first_month_) {
    const Cents settle = rng_.permille(600) ? -skewed_euros(20, 700) : skewed_euros(20, 400);
    add(kChk, day_in(m, energy_day_ + 10), settle, L_.energy, text_.put(energy), energy_iban,
        text_.begin().s("Jahresabrechnung ").u(static_cast<std::uint64_t>(m / 12 - 1)).s(" Vertragskonto ").u(energy_no_).end());
    energy_amount_ = std::max<Cents>(3000, energy_amount_ + (settle < 0 ? 1 : -1) * rng_.range(0, 20) * 100);
  }
  add(kChk, day_in(m, energy_day_), -energy_amount_, L_.energy, text_.put(energy), energy_iban,
      text_.begin().s(energy_ % 2 == 0 ? "Abschlag Strom " : "Abschlagszahlung Strom/Gas ").month(m).s(" Vertragskonto ").u(energy_no_).end());

  for (int i = 0; i < 2; ++i) {
    if (telecom_[i] < 0) continue;
    const auto telco = catalog::kTelecom[static_cast<std::size_t>(telecom_[i])];
    add(kChk, day_in(m, 4 + 8 * i), -telecom_amount_[i], L_.utilities, text_.put(telco), company_iban(telco),
        text_.begin().s(i == 0 ? "Rechnung Festnetz/Internet " : "Mobilfunk Rechnung ").month(m).s(" Kd-Nr. ").u(telecom_no_ + static_cast<std::uint32_t>(i)).end());
  }
  if (rundfunk_no_ != 0 && moy % 3 == 0)
    add(kChk, day_in(m, 15), -5508, L_.utilities, text_.put(catalog::kRundfunk), company_iban(catalog::kRundfunk),
        text_.begin().s("Rundfunkbeitrag ").u(static_cast<std::uint64_t>(moy + 1), 2).c('.').u(static_cast<std::uint64_t>(m / 12)).s(" - ")
            .u(static_cast<std::uint64_t>(moy + 3), 2).c('.').u(static_cast<std::uint64_t>(m / 12)).s(" Beitragsnr. ").u(rundfunk_no_).end());

  for (const auto& sub : subs_) {
    if (sub.yearly && moy != sub.day % 12) continue;
    const auto& s = catalog::kSubscriptions[static_cast<std::size_t>(sub.id)];
    const Cents amount = sub.yearly ? 8990 : s.cents;
    const LabelSet labels = sub.yearly ? (L_.subscriptions | L_.shopping) : L_.subscriptions;
    const TextRef purpose = text_.begin().s(s.purpose).month(m).end();
    if (sub.on_card) {
      add(kCard, day_in(m, sub.day), -amount, labels, text_.put(s.name), {}, purpose);
    } else {
      const std::string_view paypal = "PayPal Europe S.a.r.l. et Cie S.C.A";
      add(kChk, day_in(m, sub.day), -amount, labels, text_.put(paypal), company_iban(paypal),
          text_.begin().u(1000000000ULL + hash2(index_, static_cast<std::uint64_t>(m)) % 9000000000ULL).s(" PP.").u(static_cast<std::uint64_t>(index_ % 9000 + 1000))
              .s(".PP . ").s(s.name).s(", Ihr Einkauf bei ").s(s.name).end());
    }
  }
  // Account fee at month end; a free account shows a 0,00 booking once a quarter.
  const Cents fee = index_ % 5 == 0 ? 0 : (index_ % 5 == 1 ? 490 : index_ % 5 == 2 ? 690 : 0);
  if (fee > 0 || moy % 3 == 2)
    add(kChk, day_in(m, 31), -fee, 0, {}, {}, text_.begin().s("Kontoführungsentgelt ").money_de(fee).s(" EUR").end());
}

void UserSimulator::insurance(MonthNumber m) {
  const Day first = first_day_of_month(m);
  const int dim = last_day_of_month(m) - first + 1;
  for (const auto& c : contracts_) {
    if (m < c.start || m > c.end || m % c.every != c.phase) continue;
    const int r = rng_.irange(0, 99);
    const int jitter = r < 70 ? 0 : r < 85 ? 1 : r < 95 ? 2 : -1;
    const Day d = business_day(first + std::clamp(c.day + jitter, 1, dim) - 1);
    const auto insurer = catalog::kInsurers[static_cast<std::size_t>(c.insurer)].name;
    const Cents amount = m >= c.change_month ? c.changed_amount : c.amount;
    text_.begin().s(catalog::kInsurancePurposes[static_cast<std::size_t>(c.kind)][static_cast<std::size_t>(c.style)]);
    text_.u(c.number / 100).c('-').u(c.number % 100, 2).c(' ');
    const auto year = static_cast<std::uint64_t>(m / 12);
    if (c.every == 1) text_.month(m);
    else if (c.every == 3) text_.c('Q').u(static_cast<std::uint64_t>(m % 12 / 3 + 1)).c('/').u(year);
    else if (c.every == 6) text_.u(static_cast<std::uint64_t>(m % 12 / 6 + 1)).s(". HJ ").u(year);
    else text_.s("Jahresbeitrag ").u(year);
    if (m == c.change_month) text_.s(" Beitragsanpassung");
    const TextRef purpose = text_.end();
    const bool card = c.on_card && acc_[kCard].active;
    add(card ? kCard : kChk, d, -amount, c.labels, provider_name(insurer, c.noisy_name), card ? TextRef{} : company_iban(insurer), purpose);
    if (c.kind == 2 && c.every == 12 && c.number % 3 == 0)  // surplus participation of a life insurance
      add(kChk, d, rng_.range(500, 5000), L_.capital | L_.insurance[2], text_.put(insurer), company_iban(insurer),
          text_.begin().s("Überschussbeteiligung Lebensversicherung LV-").u(c.number).end());
  }
}

void UserSimulator::loans_and_investments(MonthNumber m) {
  auto pay = [&](const Loan& loan, const auto& lenders, LabelSet label) {
    if (loan.lender < 0 || m > loan.end) return;
    const auto& lender = lenders[static_cast<std::size_t>(loan.lender)];
    add(kChk, day_in(m, loan.day), -loan.rate, label, text_.put(lender.name), company_iban(lender.name),
        text_.begin().s(lender.purpose).u(loan.number).s(" Rate ").month(m).end());
  };
  pay(carloan_, catalog::kCarLoans, L_.carloan);
  pay(leasing_, catalog::kLeasing, L_.leasing);
  pay(consumerloan_, catalog::kConsumerLoans, L_.consumerloan);
  if (mortgage_.lender >= 0) {
    if (acc_[kLoan].active) {  // a loan account at this bank: the rate is a booking between own accounts
      const TextRef purpose = text_.begin().s("Baufinanzierung Darlehen ").u(mortgage_.number).s(" Zins/Tilgung ").month(m).end();
      const Day d = day_in(m, mortgage_.day);
      add(kChk, d, -mortgage_.rate, L_.mortgage, own_name_, text_.iban_ref(acc_[kLoan].iban_seed), purpose);
      add(kLoan, d, mortgage_.rate * rng_.range(55, 75) / 100, 0, own_name_, text_.iban_ref(acc_[kChk].iban_seed),
          text_.begin().s("Tilgung Darlehen ").u(mortgage_.number).c(' ').month(m).end());
    } else {
      pay(mortgage_, catalog::kMortgages, L_.mortgage);
    }
  }
  const auto etf = catalog::kEtfs[static_cast<std::size_t>(etf_idx_)];
  const auto broker = catalog::kBrokers[static_cast<std::size_t>(broker_idx_)];
  const bool depot = acc_[kDepot].active;
  if (savings_plan_ > 0) {
    const Day d = day_in(m, 2);
    const TextRef purpose = text_.begin().s("Sparplan ").s(etf).end();
    if (depot) {
      add(kChk, d, -savings_plan_, L_.savingsplan, own_name_, text_.iban_ref(acc_[kDepot].iban_seed), purpose);
      add(kDepot, d, savings_plan_, 0, own_name_, text_.iban_ref(acc_[kChk].iban_seed),
          text_.begin().s("Sparplanausführung ").s(etf).end());
    } else {
      add(kChk, d, -savings_plan_, L_.savingsplan, text_.put(broker), company_iban(broker), purpose);
    }
    if (rng_.permille(80)) {
      const Cents buy = rng_.skewed(5, 50) * 10000;
      const TextRef p = text_.begin().s("Wertpapierkauf ").s(etf).s(" Ordernr. ").u(rng_.below(90000000) + 10000000).end();
      add(kChk, day_in(m, rng_.irange(3, 27)), -buy, L_.securities, depot ? own_name_ : text_.put(broker),
          depot ? text_.iban_ref(acc_[kDepot].iban_seed) : company_iban(broker), p);
      if (depot) add(kDepot, day_in(m, rng_.irange(3, 27)), buy, 0, own_name_, text_.iban_ref(acc_[kChk].iban_seed), p);
    }
    if (m % 3 == 2) {
      const Cents base = depot ? acc_[kDepot].opening + acc_[kDepot].sum : savings_plan_ * 24;
      add(kChk, day_in(m, 15), std::max<Cents>(1, base * rng_.range(2, 6) / 1000), L_.capital, text_.put(depot ? std::string_view("Depot Ertragsgutschrift") : broker),
          depot ? text_.iban_ref(acc_[kDepot].iban_seed) : company_iban(broker), text_.begin().s("Ausschüttung ").s(etf).end());
    }
  }
  if (crypto_ && rng_.permille(350)) {
    const auto exchange = catalog::kCrypto[static_cast<std::size_t>(index_ % 2)];
    const bool sell = rng_.permille(120);
    const Cents amount = skewed_euros(25, 800);
    const Day d = day_in(m, rng_.irange(1, 28));
    add(kChk, d, sell ? amount : -amount, L_.crypto, text_.put(exchange), company_iban(exchange),
        text_.begin().s(sell ? "Verkauf " : "Kauf ").s(m % 2 == 0 ? "BTC" : "ETH").s(" Auftrag ").u(rng_.below(900000) + 100000).end());
  }
  if (bauspar_rate_ > 0) {
    const auto kasse = catalog::kBausparkassen[static_cast<std::size_t>(index_ % 3)];
    const TextRef purpose = text_.begin().s("Bausparvertrag ").u(static_cast<std::uint64_t>(index_ % 9000000 + 1000000)).s(" Sparrate ").month(m).end();
    const Day d = day_in(m, 1);
    add(kChk, d, -bauspar_rate_, L_.savingsplan, text_.put(kasse), text_.iban_ref(acc_[kBauspar].iban_seed), purpose);
    add(kBauspar, d, bauspar_rate_, 0, own_name_, text_.iban_ref(acc_[kChk].iban_seed), purpose);
  }
}

void UserSimulator::own_transfers(MonthNumber m) {
  if (card_pending_ != 0 && acc_[kCard].active) {
    const Cents pay = card_pending_;
    card_pending_ = 0;
    settling_ = true;
    transfer(kChk, kCard, day_in(m, card_settle_day_), pay, "Kreditkartenabrechnung VISA");
    settling_ = false;
  }
  // Deep in the red, someone helps out: the family or a private loan keeps the overdraft bounded.
  if (prev_min_ < std::min<Cents>(target_low_, 0) - 250000 && rng_.permille(500)) {
    const std::size_t first = static_cast<std::size_t>(rng_.below(catalog::kFirstNames.size()));
    const TextRef name = text_.begin().s(catalog::kFirstNames[first]).s(text_.view(own_name_).substr(text_.view(own_name_).find(' '))).end();
    const Day d = day_in(m, rng_.irange(1, 27));
    add(kChk, d, rng_.range(5, 20) * 10000, 0, name, text_.iban_ref(hash2(static_cast<std::uint64_t>(index_), 77)),
        text_.put(rng_.permille(500) ? "Unterstützung" : "Darlehen privat"));
  }
  auto& sav = acc_[kSav];
  if (!sav.active) return;
  if (savings_order_ > 0) transfer(kChk, kSav, day_in(m, savings_day_), savings_order_, "Dauerauftrag Sparen Tagesgeld");
  if (persona_ != Persona::overdraft && prev_min_ > target_low_ + 300000)
    transfer(kChk, kSav, day_in(m, rng_.irange(5, 20)), (prev_min_ - target_low_) / 2 / 10000 * 10000, "Umbuchung auf Tagesgeld");
  const Cents saved = sav.opening + sav.sum;
  if (saved > 50000 && rng_.permille(persona_ == Persona::overdraft ? 150 : 60)) {
    const Day d = day_in(m, rng_.irange(1, 27));
    transfer(kSav, kChk, d, std::min(rng_.range(4, 40) * 5000, saved / 2 / 100 * 100), "Umbuchung vom Tagesgeld");
  }
  if (acc_[kPocket].active && rng_.permille(200)) {
    const Cents amount = rng_.range(2, 30) * 1000;
    const Day d = day_in(m, rng_.irange(1, 27));
    if (acc_[kPocket].currency[0] == 'U') {  // a USD pocket: the two legs are in different currencies
      add(kChk, d, -amount, 0, own_name_, text_.iban_ref(acc_[kPocket].iban_seed), text_.put("Umtausch EUR/USD Kurs 1,08"));
      add(kPocket, d, amount * 108 / 100, 0, own_name_, text_.iban_ref(acc_[kChk].iban_seed), text_.put("Umtausch EUR/USD Kurs 1,08"));
    } else {
      transfer(kChk, kPocket, d, amount, "Sparen Urlaubskasse Unterkonto");
    }
  }
}

void UserSimulator::close_month(MonthNumber m) {
  // Stable insertion sort by day: a month's bookings are few and mostly in order.
  for (const Slot s : kAllSlots) {
    auto& ev = acc_[s].events;
    for (std::size_t i = acc_[s].month_begin + 1; i < ev.size(); ++i) {
      const Event e = ev[i];
      std::size_t j = i;
      for (; j > acc_[s].month_begin && ev[j - 1].day > e.day; --j) ev[j] = ev[j - 1];
      ev[j] = e;
    }
  }
  const auto& chk = acc_[kChk];
  Cents balance = chk.opening + chk.sum;
  for (std::size_t i = chk.month_begin; i < chk.events.size(); ++i) balance -= chk.events[i].amount;
  Cents low = balance;
  std::size_t i = chk.month_begin;
  const Day last = std::min(last_day_of_month(m), snapshot_);
  for (Day d = first_day_of_month(m); d <= last; ++d) {
    for (; i < chk.events.size() && chk.events[i].day == d; ++i) balance += chk.events[i].amount;
    low = std::min(low, balance);
    if (balance < 0) od_accrued_ -= balance;
  }
  prev_min_ = low;
  if (m % 3 == 2 && od_accrued_ > 0) {
    const Cents interest = (od_accrued_ * od_rate_bp_ + 10000 * 365 / 2) / (10000 * 365);
    const Day d = last_day_of_month(m);
    if (interest > 0 && add(kChk, d, -interest, L_.overdraft, {}, {},
                            text_.begin().s("Abrechnung Sollzinsen ").date(first_day_of_month(m - 2)).s("-").date(d).end()))
      od_accrued_ = 0;
  }
  auto& sav = acc_[kSav];
  if (sav.active && m % 12 == 11) {
    const Cents interest = (sav.opening + sav.sum) * savings_rate_bp_ / 10000;
    if (interest > 0)
      add(kSav, last_day_of_month(m), interest, L_.capital, {}, {}, text_.begin().s("Zinsgutschrift ").u(static_cast<std::uint64_t>(m / 12)).end());
  }
}

}  // namespace finseg::gen
