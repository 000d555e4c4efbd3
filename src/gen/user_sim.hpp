// One demo-bank user, simulated month by month: persona and contracts (user_setup.cpp), the
// monthly traffic (user_months.cpp), and the hand-over into a shard (demo_bank.cpp).
// A simulator is reused for many users; generate(i) resets every piece of state, so user i's
// data depends only on (seed, i, months, snapshot date).
#pragma once

#include "core/account_type.hpp"
#include "core/shard_data.hpp"
#include "core/taxonomy.hpp"
#include "gen/demo_bank.hpp"
#include "gen/rng.hpp"
#include "gen/text.hpp"

#include <array>
#include <string>
#include <vector>

namespace finseg::gen {

// The label bits the generator uses, looked up by name in the bank's taxonomy.
struct DemoLabels {
  explicit DemoLabels(const Taxonomy& t);
  LabelSet salary, pension, capital, rental, child, unemployment;
  std::array<LabelSet, 9> insurance;  // health, car, life, liability, household, legal, disability, travel, accident
  LabelSet insurance_group;
  LabelSet rent, energy, utilities, property;
  LabelSet carloan, mortgage, leasing, consumerloan, overdraft;
  LabelSet savingsplan, securities, crypto;
  LabelSet groceries, restaurants, shopping, travel, entertainment, subscriptions;
  LabelSet gambling;  // the GAMBLING group itself (it has no leaves)
  LabelSet lifestyle_group, living_group;
};

enum Slot : int { kChk, kSav, kCard, kDepot, kLoan, kPocket, kMember, kBauspar, kSlots };

struct Event {
  Day day;
  Cents amount;
  LabelSet labels;
  TextRef name, iban, purpose;
};

struct AccountState {
  bool active = false;
  Currency currency{'E', 'U', 'R'};
  Cents opening = 0;
  Cents sum = 0;  // of the emitted events
  Day balance_date = 0;
  std::uint64_t iban_seed = 0;
  std::vector<Event> events;
  std::size_t month_begin = 0;
};

enum class Persona { ordinary, overdraft, saver };
enum class IncomeKind { employee, pensioner, unemployed, minijob };

// An insurance contract: paid every `every` months on a fixed day (with jitter).
struct Contract {
  int kind = 0;     // index into DemoLabels::insurance
  int insurer = 0;  // index into catalog::kInsurers
  int every = 1;    // 1, 3, 6 or 12 months
  int phase = 0;    // paid in months with (m % every) == phase
  int day = 1;
  int style = 0;  // which purpose stem
  Cents amount = 0;
  Cents changed_amount = 0;  // from change_month on
  MonthNumber change_month = 0;
  MonthNumber start = 0, end = 0;  // paid in [start, end]
  std::uint32_t number = 0;
  bool noisy_name = false;  // the provider is sometimes written with extra white space
  bool on_card = false;
  LabelSet labels = 0;
};

struct Subscription {
  int id = 0;  // index into catalog::kSubscriptions
  int day = 1;
  bool on_card = false;
  bool yearly = false;
};

struct Loan {
  int lender = -1;  // -1: none
  Cents rate = 0;
  int day = 1;
  std::uint32_t number = 0;
  MonthNumber end = 0;
};

class UserSimulator {
 public:
  UserSimulator(const DemoBankParams& p, const Taxonomy& taxonomy);
  void generate(std::int64_t index);
  void append_to(ShardData& shard);

 private:
  // user_setup.cpp
  void setup_persona();
  void setup_accounts();
  void setup_recurring();
  void setup_contracts();
  void add_contract(int kind, int every, std::int64_t yearly_lo, std::int64_t yearly_hi);  // euros a year
  // user_months.cpp
  void simulate_month(MonthNumber m);
  void income(MonthNumber m);
  void living_costs(MonthNumber m);
  void insurance(MonthNumber m);
  void loans_and_investments(MonthNumber m);
  void own_transfers(MonthNumber m);
  void discretionary(MonthNumber m, Cents budget);
  void close_month(MonthNumber m);
  bool add(Slot s, Day d, Cents amount, LabelSet labels, TextRef name, TextRef iban, TextRef purpose);
  void transfer(Slot from, Slot to, Day d, Cents amount, std::string_view purpose);
  Day day_in(MonthNumber m, int day) const;  // clamped to the month, moved to a business day
  TextRef company_iban(std::string_view name) { return text_.iban_ref(hash_text(name)); }
  TextRef provider_name(std::string_view name, bool noisy);

  DemoBankParams params_;
  DemoLabels L_;
  Rng rng_;
  TextArena text_;
  std::array<AccountState, kSlots> acc_;
  std::string user_id_;
  std::string account_id_;  // scratch
  std::string txn_id_;      // scratch

  // Time frame.
  MonthNumber first_month_ = 0, last_month_ = 0;
  Day first_day_ = 0, snapshot_ = 0;

  // Persona.
  std::int64_t index_ = 0;
  Persona persona_ = Persona::ordinary;
  IncomeKind income_kind_ = IncomeKind::employee;
  TextRef own_name_;
  int city_ = 0, street_ = 0, house_no_ = 1;
  int employer_ = 0, salary_text_ = 0, pay_day_ = 28;
  Cents income_ = 0;
  int children_ = 0;
  int activity_ = 1000;  // transaction volume, per mille of the average
  Cents target_low_ = 0;  // the lowest checking balance of a month the user drifts towards
  Cents prev_min_ = 0;
  Cents od_accrued_ = 0;  // negative end-of-day balances summed over days (cent-days)
  int od_rate_bp_ = 1175;

  // Living.
  bool renter_ = true, homeowner_ = false, landlord_ = false, has_car_ = false;
  int landlord_idx_ = 0, rent_day_ = 1;
  Cents rent_ = 0, property_cost_ = 0, rental_income_ = 0;
  int energy_ = 0, energy_day_ = 15, bill_month_ = 0;
  Cents energy_amount_ = 0;
  std::uint32_t energy_no_ = 0, rundfunk_no_ = 0, telecom_no_ = 0;
  int telecom_[2] = {-1, -1};
  Cents telecom_amount_[2] = {0, 0};
  std::vector<Subscription> subs_;
  std::vector<Contract> contracts_;
  Loan carloan_, leasing_, consumerloan_, mortgage_;
  bool gambler_ = false, crypto_ = false, broker_ = false;

  // Savings and investments.
  Cents savings_order_ = 0, savings_plan_ = 0, bauspar_rate_ = 0;
  int savings_day_ = 2, savings_rate_bp_ = 100, broker_idx_ = 0, etf_idx_ = 0;
  Cents card_pending_ = 0;  // card spending not yet settled from the checking account
  int card_settle_day_ = 5;
  bool settling_ = false;

  // Scratch for one month's discretionary spending.
  struct Purchase {
    Slot slot;
    Day day;
    int category;
    int merchant;
    Cents raw;
  };
  std::vector<Purchase> purchases_;

  // Amounts in whole euros plus random cents, drawn in a fixed order (never two PRNG calls in
  // one expression: C++ leaves their order open, and the data must not depend on the compiler).
  Cents euros_and_cents(std::int64_t lo, std::int64_t hi) {
    const Cents e = rng_.range(lo, hi) * 100;
    return e + rng_.range(0, 99);
  }
  Cents skewed_euros(std::int64_t lo, std::int64_t hi) {
    const Cents e = rng_.skewed(lo, hi) * 100;
    return e + rng_.range(0, 99);
  }
};

}  // namespace finseg::gen
