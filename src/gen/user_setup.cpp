// Who a demo user is: persona, income, accounts with opening balances, recurring costs and
// insurance contracts. Everything is drawn from the user's own PRNG, in a fixed order.
#include "core/errors.hpp"
#include "gen/catalog.hpp"
#include "gen/user_sim.hpp"

#include <algorithm>

namespace finseg::gen {

namespace {
LabelSet label_bit(const Taxonomy& t, std::string_view name) {
  const auto bit = t.bit_of(name);
  if (!bit) throw InputError("demo bank: the label taxonomy has no label '" + std::string(name) + "'");
  return LabelSet{1} << *bit;
}
}  // namespace

DemoLabels::DemoLabels(const Taxonomy& t)
    : salary(label_bit(t, "SALARY")), pension(label_bit(t, "PENSION")), capital(label_bit(t, "CAPITALINCOME")),
      rental(label_bit(t, "RENTALINCOME")), child(label_bit(t, "CHILDBENEFIT")),
      unemployment(label_bit(t, "UNEMPLOYMENTBENEFIT")),
      insurance{label_bit(t, "HEALTHINSURANCE"), label_bit(t, "CARINSURANCE"), label_bit(t, "LIFEINSURANCE"),
                label_bit(t, "LIABILITYINSURANCE"), label_bit(t, "HOUSEHOLDINSURANCE"), label_bit(t, "LEGALINSURANCE"),
                label_bit(t, "DISABILITYINSURANCE"), label_bit(t, "TRAVELINSURANCE"), label_bit(t, "ACCIDENTINSURANCE")},
      insurance_group(label_bit(t, "INSURANCE")), rent(label_bit(t, "RENT")), energy(label_bit(t, "ENERGY")),
      utilities(label_bit(t, "UTILITIES")), property(label_bit(t, "PROPERTYCOSTS")), carloan(label_bit(t, "CARLOAN")),
      mortgage(label_bit(t, "REALESTATELOAN")), leasing(label_bit(t, "CARLEASING")),
      consumerloan(label_bit(t, "CONSUMERLOAN")), overdraft(label_bit(t, "OVERDRAFTINTEREST")),
      savingsplan(label_bit(t, "SAVINGSPLAN")), securities(label_bit(t, "SECURITIES")), crypto(label_bit(t, "CRYPTO")),
      groceries(label_bit(t, "GROCERIES")), restaurants(label_bit(t, "RESTAURANTS")), shopping(label_bit(t, "SHOPPING")),
      travel(label_bit(t, "TRAVEL")), entertainment(label_bit(t, "ENTERTAINMENT")),
      subscriptions(label_bit(t, "SUBSCRIPTIONS")), gambling(label_bit(t, "GAMBLING")),
      lifestyle_group(label_bit(t, "LIFESTYLE")), living_group(label_bit(t, "RENTANDLIVING")) {}

UserSimulator::UserSimulator(const DemoBankParams& p, const Taxonomy& taxonomy) : params_(p), L_(taxonomy) {
  last_month_ = month_of(p.snapshot_date);
  first_month_ = last_month_ - std::max(p.months, 1) + 1;
  first_day_ = first_day_of_month(first_month_);
  snapshot_ = p.snapshot_date;
  for (auto& a : acc_) a.events.reserve(static_cast<std::size_t>(std::max(p.months, 1)) * 64);
  subs_.reserve(8);
  contracts_.reserve(16);
}

void UserSimulator::generate(std::int64_t index) {
  index_ = index;
  rng_.reseed(hash2(params_.seed, static_cast<std::uint64_t>(index)));
  text_.clear();
  for (int s = 0; s < kSlots; ++s) {
    auto& a = acc_[static_cast<std::size_t>(s)];
    a.active = false;
    a.currency = {'E', 'U', 'R'};
    a.opening = a.sum = 0;
    a.balance_date = snapshot_;
    a.iban_seed = hash2(hash2(params_.seed, static_cast<std::uint64_t>(index)), static_cast<std::uint64_t>(s) + 1);
    a.events.clear();
    a.month_begin = 0;
  }
  subs_.clear();
  contracts_.clear();
  carloan_ = leasing_ = consumerloan_ = mortgage_ = Loan{};
  user_id_ = demo_user_id(index);

  setup_persona();
  setup_accounts();
  setup_recurring();
  setup_contracts();
  prev_min_ = target_low_;
  od_accrued_ = 0;
  for (MonthNumber m = first_month_; m <= last_month_; ++m) simulate_month(m);
}

void UserSimulator::setup_persona() {
  const int p = rng_.irange(0, 999);
  persona_ = p < 130 ? Persona::overdraft : p < 260 ? Persona::saver : Persona::ordinary;
  const int k = rng_.irange(0, 999);
  if (persona_ == Persona::overdraft)
    income_kind_ = k < 620 ? IncomeKind::employee : k < 720 ? IncomeKind::pensioner : k < 870 ? IncomeKind::unemployed : IncomeKind::minijob;
  else if (persona_ == Persona::saver)
    income_kind_ = k < 740 ? IncomeKind::employee : IncomeKind::pensioner;
  else
    income_kind_ = k < 720 ? IncomeKind::employee : k < 910 ? IncomeKind::pensioner : k < 950 ? IncomeKind::unemployed : IncomeKind::minijob;

  own_name_ = text_.begin().s(rng_.pick(catalog::kFirstNames)).c(' ').s(rng_.pick(catalog::kLastNames)).end();
  city_ = rng_.irange(0, static_cast<int>(catalog::kCities.size()) - 1);
  street_ = rng_.irange(0, static_cast<int>(catalog::kStreets.size()) - 1);
  house_no_ = rng_.irange(1, 120);
  employer_ = rng_.irange(0, static_cast<int>(catalog::kEmployers.size()) - 1);
  salary_text_ = rng_.irange(0, 3);
  const bool rich = persona_ == Persona::saver, poor = persona_ == Persona::overdraft;
  switch (income_kind_) {
    case IncomeKind::employee:
      income_ = rich ? rng_.bell(350000, 850000) : poor ? rng_.bell(150000, 300000) : rng_.bell(180000, 420000);
      pay_day_ = rng_.pick(std::array<int, 8>{31, 31, 31, 31, 31, 1, 15, 25});
      break;
    case IncomeKind::pensioner:
      income_ = rich ? rng_.bell(180000, 320000) : rng_.bell(90000, 220000);
      pay_day_ = 31;
      break;
    case IncomeKind::unemployed:
      income_ = rng_.bell(80000, 150000);
      pay_day_ = employer_ % 2 == 0 ? 31 : 1;  // ALG I at month end, Bürgergeld in advance
      break;
    case IncomeKind::minijob:
      income_ = rng_.bell(53800, 120000);
      pay_day_ = rng_.pick(std::array<int, 2>{31, 15});
      break;
  }
  children_ = (income_kind_ != IncomeKind::pensioner && rng_.permille(230)) ? rng_.irange(1, 3) : 0;
  activity_ = static_cast<int>(rng_.bell(700, 1300));
  target_low_ = poor ? -rng_.range(300, 2500) * 100 : rich ? rng_.range(5500, 16000) * 100 : rng_.skewed(50, 3000) * 100;
  od_rate_bp_ = rng_.irange(950, 1390);
}

void UserSimulator::setup_accounts() {
  const bool rich = persona_ == Persona::saver, poor = persona_ == Persona::overdraft;
  auto open = [&](Slot s, Cents opening) {
    auto& a = acc_[static_cast<std::size_t>(s)];
    a.active = true;
    a.opening = opening;
  };
  open(kChk, target_low_ + income_ / 2 + rng_.range(-20000, 20000));
  if (rich || rng_.permille(poor ? 250 : 500))
    open(kSav, rich ? euros_and_cents(15000, 150000) : poor ? euros_and_cents(0, 800) : skewed_euros(300, 25000));
  if (rng_.permille(rich ? 500 : poor ? 300 : 340)) {
    open(kCard, -skewed_euros(0, 1500));
    card_pending_ = -acc_[kCard].opening;
    card_settle_day_ = rng_.irange(2, 8);
    if (rng_.permille(30)) acc_[kCard].balance_date = snapshot_ - rng_.irange(1, 6);
  } else {
    card_pending_ = 0;
  }
  if (rng_.permille(rich ? 450 : poor ? 20 : 100)) open(kDepot, rich ? rng_.skewed(5000, 120000) * 100 : rng_.skewed(500, 20000) * 100);
  homeowner_ = rng_.permille(rich ? 350 : poor ? 30 : 150);
  if (homeowner_ && rng_.permille(700)) {
    mortgage_.lender = rng_.irange(0, static_cast<int>(catalog::kMortgages.size()) - 1);
    mortgage_.rate = std::min(rng_.range(700, 2200) * 100, income_ * 35 / 100);
    mortgage_.day = rng_.pick(std::array<int, 3>{1, 30, 15});
    mortgage_.number = static_cast<std::uint32_t>(rng_.range(1000000, 9999999));
    mortgage_.end = last_month_ + 100;
    if (rng_.permille(600)) open(kLoan, -rng_.range(80000, 380000) * 100);
  }
  if (rng_.permille(80)) {
    open(kPocket, euros_and_cents(0, 3000));
    if (rng_.permille(125)) acc_[kPocket].currency = {'U', 'S', 'D'};
  }
  if (rng_.permille(40)) open(kMember, rng_.range(2, 20) * 5000);
  if (rng_.permille(60)) {
    open(kBauspar, rng_.skewed(500, 30000) * 100);
    bauspar_rate_ = rng_.range(8, 40) * 500;
  } else {
    bauspar_rate_ = 0;
  }
}

void UserSimulator::setup_recurring() {
  const bool rich = persona_ == Persona::saver, poor = persona_ == Persona::overdraft;
  renter_ = !homeowner_;
  if (renter_) {
    rent_ = std::clamp<Cents>(income_ * rng_.range(25, 42) / 100, 35000, 220000) / 100 * 100 + rng_.pick(std::array<Cents, 3>{0, 0, 50});
    landlord_idx_ = rng_.irange(0, static_cast<int>(catalog::kLandlords.size()) - 1);
    rent_day_ = rng_.irange(1, 3);
  } else {
    property_cost_ = rng_.permille(500) ? rng_.range(180, 450) * 100 : -rng_.range(100, 400) * 100;  // < 0: Grundsteuer
  }
  landlord_ = rng_.permille(rich ? 120 : 25);
  rental_income_ = landlord_ ? rng_.range(450, 1200) * 100 : 0;
  energy_ = rng_.irange(0, static_cast<int>(catalog::kEnergy.size()) - 1);
  energy_amount_ = std::min(rng_.range(45, 190) * 100, std::max<Cents>(4500, income_ / 10));
  energy_day_ = rng_.irange(1, 28);
  bill_month_ = rng_.irange(0, 11);
  energy_no_ = static_cast<std::uint32_t>(rng_.range(100000000, 999999999));
  rundfunk_no_ = rng_.permille(950) ? static_cast<std::uint32_t>(rng_.range(100000000, 999999999)) : 0;
  telecom_no_ = static_cast<std::uint32_t>(rng_.range(1000000, 99999999));
  telecom_[0] = rng_.permille(850) ? rng_.irange(0, 3) : -1;
  telecom_amount_[0] = rng_.range(2995, 5495);
  telecom_[1] = rng_.permille(700) ? rng_.irange(0, 3) : -1;
  telecom_amount_[1] = rng_.range(999, 4499);

  const int n_subs = static_cast<int>(rng_.range(0, rich ? 5 : 4));
  for (int i = 0; i < n_subs; ++i) {
    const int id = rng_.irange(0, static_cast<int>(catalog::kSubscriptions.size()) - 1);
    if (std::any_of(subs_.begin(), subs_.end(), [id](const Subscription& s) { return s.id == id; })) continue;
    subs_.push_back({id, rng_.irange(1, 28), acc_[kCard].active && rng_.permille(600), id == 4 && rng_.permille(300)});
  }

  has_car_ = rng_.permille(poor ? 450 : 620);
  auto make_loan = [&](Loan& loan, int lenders, Cents lo, Cents hi) {
    loan.lender = rng_.irange(0, lenders - 1);
    loan.rate = rng_.range(lo, hi) * 100;
    if (rng_.permille(300)) loan.rate += 37;
    loan.rate = std::min(loan.rate, income_ * 12 / 100);  // no bank lends beyond the means
    loan.day = rng_.irange(1, 28);
    loan.number = static_cast<std::uint32_t>(rng_.range(10000000, 99999999));
    loan.end = rng_.permille(300) ? first_month_ + rng_.irange(0, params_.months) : last_month_ + 48;
  };
  if (has_car_ && rng_.permille(180)) make_loan(carloan_, static_cast<int>(catalog::kCarLoans.size()), 150, 450);
  else if (has_car_ && rng_.permille(140)) make_loan(leasing_, static_cast<int>(catalog::kLeasing.size()), 180, 520);
  if (rng_.permille(poor ? 350 : 60)) make_loan(consumerloan_, static_cast<int>(catalog::kConsumerLoans.size()), 60, 350);
  gambler_ = rng_.permille(poor ? 150 : 30);
  crypto_ = rng_.permille(rich ? 100 : 40);
  broker_ = !acc_[kDepot].active && rng_.permille(rich ? 300 : 100);
  broker_idx_ = rng_.irange(0, static_cast<int>(catalog::kBrokers.size()) - 1);
  etf_idx_ = rng_.irange(0, static_cast<int>(catalog::kEtfs.size()) - 1);
  savings_order_ = !acc_[kSav].active      ? 0
                   : rich                  ? rng_.range(40, 300) * 500
                   : poor                  ? (rng_.permille(300) ? rng_.range(5, 10) * 500 : 0)
                                           : rng_.range(5, 60) * 500;
  savings_day_ = rng_.irange(1, 5);
  savings_rate_bp_ = rng_.irange(50, 275);
  savings_plan_ = (acc_[kDepot].active || broker_) ? std::min(rng_.range(1, 20) * 2500, income_ / 10 / 2500 * 2500 + 2500) : 0;
  savings_order_ = std::min(savings_order_, (rich ? income_ / 4 : income_ / 10) / 500 * 500 + 500);
}

void UserSimulator::add_contract(int kind, int every, std::int64_t yearly_lo, std::int64_t yearly_hi) {
  const Cents yearly = euros_and_cents(yearly_lo, yearly_hi);
  Contract c;
  c.kind = kind;
  do c.insurer = rng_.irange(0, static_cast<int>(catalog::kInsurers.size()) - 1);
  while (!catalog::kInsurers[static_cast<std::size_t>(c.insurer)].sells[static_cast<std::size_t>(kind)]);
  c.every = every;
  c.phase = rng_.irange(0, every - 1);
  c.day = rng_.permille(400) ? 1 : rng_.permille(250) ? 15 : rng_.irange(1, 28);
  c.style = rng_.irange(0, 1);
  c.amount = yearly * every / 12;
  c.start = rng_.permille(100) ? first_month_ + rng_.irange(1, std::max(1, params_.months - 1)) : first_month_ - rng_.irange(1, 60);
  c.end = rng_.permille(80) ? first_month_ + rng_.irange(0, params_.months) : last_month_ + 1;
  c.change_month = rng_.permille(150) ? first_month_ + rng_.irange(1, std::max(1, params_.months - 1)) : last_month_ + 1;
  c.changed_amount = c.amount * rng_.range(102, 115) / 100;
  c.number = static_cast<std::uint32_t>(rng_.range(100000, 99999999));
  c.noisy_name = rng_.permille(120);
  c.on_card = acc_[kCard].active && (kind == 7 ? rng_.permille(500) : rng_.permille(30));
  c.labels = L_.insurance[static_cast<std::size_t>(kind)];
  if (kind == 4 && c.insurer == 4) c.labels |= L_.insurance[3];  // DEVK Kombi-Police Hausrat + Haftpflicht
  const int extra = rng_.irange(0, 999);
  if (extra < 40) c.labels |= L_.insurance_group;  // group and leaf, as some banks deliver
  else if (extra < 55) c.labels = L_.insurance_group;  // only the group ("Versicherung")
  contracts_.push_back(c);
}

void UserSimulator::setup_contracts() {
  const bool rich = persona_ == Persona::saver;
  auto freq = [&](int monthly, int quarterly, int half) {  // per mille; the rest yearly
    const int r = rng_.irange(0, 999);
    return r < monthly ? 1 : r < monthly + quarterly ? 3 : r < monthly + quarterly + half ? 6 : 12;
  };
  if (rng_.permille(750)) add_contract(3, freq(200, 150, 100), 45, 120);
  if (rng_.permille(550)) add_contract(4, freq(250, 150, 100), 60, 220);
  if (has_car_ && rng_.permille(950)) add_contract(1, freq(300, 100, 150), 250, 1100);
  if (rng_.permille(300)) add_contract(5, freq(400, 200, 0), 180, 420);
  if (rng_.permille(rich ? 400 : 220)) add_contract(2, freq(750, 0, 0), 480, 2400);
  if (income_kind_ == IncomeKind::employee && rng_.permille(220)) add_contract(6, 1, 480, 1440);
  if (rng_.permille(200)) add_contract(8, freq(500, 200, 0), 60, 250);
  if (rng_.permille(rich ? 450 : 250)) {
    const bool private_cover = rng_.permille(rich ? 600 : 300) && income_ > 300000;
    add_contract(0, rng_.permille(950) ? 1 : 3, private_cover ? 3000 : 120, private_cover ? 8400 : 540);
  }
  if (rng_.permille(150)) add_contract(7, 12, 12, 45);
}

}  // namespace finseg::gen
