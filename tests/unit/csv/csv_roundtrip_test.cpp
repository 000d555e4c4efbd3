// import -> export -> import gives identical shards: on tiny and on random banks full of awkward text.
#include "csv_test_util.hpp"

#include "csv/csv_writer.hpp"

#include <gtest/gtest.h>

#include <map>

#include <algorithm>
#include <limits>
#include <numeric>
#include <random>

namespace finseg::test {
namespace {

ShardData concatenated(const ImportResult& r) {
  ShardData all;
  for (const ShardData& s : r.shards)
    for (std::size_t u = 0; u < s.users(); ++u) all.add_user_from(s, u);
  return all;
}

void export_to(const std::filesystem::path& dir, const ImportResult& r) {
  CsvExporter exporter(dir, taxonomy());
  for (const ShardData& s : r.shards) exporter.append(s);
  exporter.commit();
}

TEST(CsvRoundTrip, Tiny) {
  TempDir tmp;
  const ImportResult first = import_csv(tiny_dir(), taxonomy(), with_shards(2));
  export_to(tmp / "out", first);
  const ImportResult second = import_csv(tmp / "out", taxonomy(), with_shards(2));
  EXPECT_EQ(second.shards, first.shards);
  EXPECT_EQ(second.transaction_rows, 35u);
  // The export is canonical: exporting the re-import gives the same bytes.
  export_to(tmp / "again", second);
  EXPECT_EQ(read_file(tmp / "again/accounts.csv"), read_file(tmp / "out/accounts.csv"));
  EXPECT_EQ(read_file(tmp / "again/transactions.csv"), read_file(tmp / "out/transactions.csv"));
  // Exactly the contract's columns, LF record ends, labels by name, quoted text.
  const std::string txns = read_file(tmp / "out/transactions.csv");
  EXPECT_EQ(txns.rfind(std::string(kTransactionsHeader), 0), 0u);
  EXPECT_EQ(read_file(tmp / "out/accounts.csv").rfind(std::string(kAccountsHeader) + "b-card,user-B,creditCard,EUR,-155.50,2024-03-31\n", 0), 0u);
  EXPECT_NE(txns.find("\nt-a06,a-9,2024-01-20,15.01,Allianz Versicherungs-AG,DE75700500000000055555,"
                      "\xC3\x9C" "berschussbeteiligung Lebensversicherung LV-1234,CAPITALINCOME;LIFEINSURANCE\n"),
            std::string::npos);
  EXPECT_NE(txns.find(",\"REWE SAGT DANKE 1234, \"\"Wocheneinkauf\"\"\",GROCERIES\n"), std::string::npos);
  EXPECT_NE(txns.find("\nt-a09,a-9,2024-02-10,0.00,,,\"Kontof\xC3\xBChrungsentgelt 0,00 EUR\",\n"), std::string::npos);
  EXPECT_EQ(txns.find('\r'), std::string::npos);
}

TEST(CsvExport, RefusesAnExistingFolderAndCleansUpWithoutCommit) {
  TempDir tmp;
  std::filesystem::create_directories(tmp / "exists");
  EXPECT_THROW(CsvExporter(tmp / "exists", taxonomy()), IoError);
  const ImportResult r = import_csv(tiny_dir(), taxonomy(), with_shards(1));
  {
    CsvExporter exporter(tmp / "never", taxonomy());
    exporter.append(r.shards[0]);
  }  // no commit
  EXPECT_FALSE(std::filesystem::exists(tmp / "never"));
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) left.push_back(e.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"exists"});
  // A trailing slash names the same folder.
  {
    CsvExporter exporter((tmp / "slash").string() + "/", taxonomy());
    exporter.append(r.shards[0]);
    exporter.commit();
  }
  EXPECT_TRUE(std::filesystem::exists(tmp / "slash/transactions.csv"));
}

// ---- Random banks ----

struct TxnModel {
  std::string id, account, name, iban, purpose;
  Day date;
  Cents amount;
  LabelSet labels;
  std::size_t input_pos;
};
struct AccountModel {
  std::string id, user;
  AccountType type;
  Currency currency;
  Cents balance;
  Day balance_date;
};

class RandomBank {
 public:
  explicit RandomBank(std::uint32_t seed) : rng_(seed) {}

  std::string text(int max_len) {
    static const std::vector<std::string> pieces = {"a", "Z", "0", " ", ",", "\"", "\r", "\n", "\r\n", "\t", ";",
                                                    "\xC3\xBC", "\xE2\x82\xAC", "\xF0\x9F\x92\xB6", "''", "x y"};
    std::string s;
    const int n = static_cast<int>(rng_() % static_cast<std::uint32_t>(max_len + 1));
    for (int i = 0; i < n; ++i) s += pieces[rng_() % pieces.size()];
    return s;
  }
  std::string id(const char* prefix) {
    static const std::vector<std::string> pieces = {"a", "B", "b", "1", "9", "-", "\xC3\xA4", "\xC3\x84", "~", "\x7F"};
    std::string s = prefix;
    const int n = 1 + static_cast<int>(rng_() % 4);
    for (int i = 0; i < n; ++i) s += pieces[rng_() % pieces.size()];
    return s;
  }
  // Extreme values included, but within the import's bound (issue 16 item 9): |balance| and
  // |amount| of one user's accounts add up to at most INT64_MAX, so the first extreme of a user
  // takes what is left of its budget (INT64_MAX itself when it comes first).
  Cents amount() {
    Cents v = 0;
    switch (rng_() % 8) {
      case 0: break;
      case 1: v = static_cast<Cents>(budget_) - static_cast<Cents>(rng_() % 3); break;
      case 2: v = -static_cast<Cents>(budget_) + static_cast<Cents>(rng_() % 3); break;
      default: v = static_cast<Cents>(rng_() % 2000001) - 1000000;
    }
    const auto magnitude = static_cast<std::uint64_t>(v < 0 ? -v : v);
    if (magnitude > budget_) return 0;
    budget_ -= magnitude;
    return v;
  }
  // A valid spelling of `v` for the CSV: canonical or shortened or with a plus sign.
  std::string money_text(Cents v) {
    std::string s = format_money(v);
    const auto r = rng_() % 4;
    if (r == 1 && s.ends_with("00")) s.resize(s.size() - 3);
    if (r == 2 && s.ends_with("0")) s.pop_back();
    if (r == 3 && v >= 0) s.insert(0, "+");
    return s;
  }
  void field(std::string& out, const std::string& f) {
    if (rng_() % 5 == 0 && !csv::needs_quotes(f)) {  // quoting that is not needed is legal too
      out += '"' + f + '"';
    } else {
      csv::append_field(out, f);
    }
  }

  void generate(int users) {
    const Taxonomy& tax = taxonomy();
    std::vector<std::string> user_ids;
    for (int u = 0; u < users; ++u) user_ids.push_back(id("u"));
    for (const std::string& user : user_ids) {
      // (random userIds repeat: a repeated one continues its budget)
      const auto left = budgets_.try_emplace(user, static_cast<std::uint64_t>(std::numeric_limits<Cents>::max())).first;
      budget_ = left->second;
      const int n_accounts = static_cast<int>(rng_() % 4);
      for (int a = 0; a < n_accounts; ++a) {
        AccountModel acc{id("acc") + std::to_string(accounts.size()), user,
                         static_cast<AccountType>(rng_() % 8),
                         Currency{static_cast<char>('A' + rng_() % 26), 'U', static_cast<char>('A' + rng_() % 26)},
                         amount(), days_from_civil(2024, static_cast<unsigned>(1 + rng_() % 12), static_cast<unsigned>(1 + rng_() % 28))};
        const int n_txns = static_cast<int>(rng_() % 25);
        for (int t = 0; t < n_txns; ++t) {
          LabelSet labels = 0;
          if (rng_() % 3 != 0)
            for (int k = 0; k < 3; ++k) labels |= LabelSet{1} << (rng_() % tax.size());
          txns.push_back(TxnModel{id("t") + std::to_string(txns.size()), acc.id, text(6), text(3), text(12),
                                  acc.balance_date - static_cast<Day>(rng_() % 40), amount(), labels, 0});
        }
        accounts.push_back(std::move(acc));
      }
      left->second = budget_;
    }
    std::shuffle(accounts.begin(), accounts.end(), rng_);
    std::shuffle(txns.begin(), txns.end(), rng_);
    for (std::size_t i = 0; i < txns.size(); ++i) txns[i].input_pos = i;
  }

  void write(const std::filesystem::path& dir) {
    const Taxonomy& tax = taxonomy();
    const bool crlf = rng_() % 2;
    const char* eol = crlf ? "\r\n" : "\n";
    std::string a = rng_() % 2 ? "\xEF\xBB\xBF" : "";
    a += std::string("currency,extra,balanceDate,userId,accountId,balance,accountType") + eol;
    for (const AccountModel& m : accounts) {
      field(a, std::string(m.currency.begin(), m.currency.end()));
      a += ',';
      field(a, text(4));
      a += ',' + format_date(m.balance_date) + ',';
      field(a, m.user);
      a += ',';
      field(a, m.id);
      a += ',' + money_text(m.balance) + ',' + std::string(to_string(m.type)) + eol;
    }
    std::string t = std::string("purpose,labels,amount,transactionId,counterpartIban,bookingDate,accountId,counterpartName") + eol;
    for (const TxnModel& m : txns) {
      field(t, m.purpose);
      t += ',' + tax.format(m.labels) + ',' + money_text(m.amount) + ',';
      field(t, m.id);
      t += ',';
      field(t, m.iban);
      t += ',' + format_date(m.date) + ',';
      field(t, m.account);
      t += ',';
      field(t, m.name);
      t += eol;
    }
    if (rng_() % 2 && t.ends_with(eol)) t.resize(t.size() - std::string_view(eol).size());  // no final line end
    write_file(dir / "accounts.csv", a);
    write_file(dir / "transactions.csv", t);
  }

  // The store order the contract asks for, computed the slow and obvious way.
  ShardData expected() const {
    std::vector<const AccountModel*> accs;
    for (const auto& a : accounts) accs.push_back(&a);
    std::sort(accs.begin(), accs.end(), [](const AccountModel* x, const AccountModel* y) {
      return std::tie(x->user, x->id) < std::tie(y->user, y->id);
    });
    ShardData s;
    for (const AccountModel* a : accs) {
      if (s.users() == 0 || s.user_id[s.users() - 1] != a->user) s.add_user(a->user);
      s.add_account(a->id, a->type, a->currency, a->balance, a->balance_date);
      std::vector<const TxnModel*> mine;
      for (const auto& t : txns)
        if (t.account == a->id) mine.push_back(&t);
      std::sort(mine.begin(), mine.end(), [](const TxnModel* x, const TxnModel* y) {
        return std::tie(x->date, x->input_pos) < std::tie(y->date, y->input_pos);
      });
      for (const TxnModel* t : mine) s.add_transaction(t->id, t->date, t->amount, t->labels, t->name, t->iban, t->purpose);
    }
    return s;
  }

  std::vector<AccountModel> accounts;
  std::vector<TxnModel> txns;

 private:
  std::mt19937 rng_;
  std::uint64_t budget_ = 0;  // of the user being generated
  std::map<std::string, std::uint64_t> budgets_;
};

TEST(CsvRoundTrip, RandomBanks) {
  for (std::uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    TempDir tmp;
    RandomBank bank(seed);
    bank.generate(10 + static_cast<int>(seed) * 5);
    bank.write(tmp / "in");
    const int shards = 1 + static_cast<int>(seed % 5);
    const ImportResult first = import_csv(tmp / "in", taxonomy(), with_shards(shards));
    EXPECT_EQ(first.account_rows, bank.accounts.size());
    EXPECT_EQ(first.transaction_rows, bank.txns.size());
    ASSERT_EQ(first.shards.size(), static_cast<std::size_t>(shards));
    EXPECT_TRUE(concatenated(first) == bank.expected()) << "import differs from the generated bank";

    export_to(tmp / "out", first);
    const ImportResult second = import_csv(tmp / "out", taxonomy(), with_shards(shards));
    EXPECT_TRUE(second.shards == first.shards) << "import -> export -> import changed the data";
  }
}

}  // namespace
}  // namespace finseg::test
