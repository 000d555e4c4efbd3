// import_csv: every rejection kind of SEGMENTS.md 1.1, the rejects file, the tiny example, shards.
#include "csv_test_util.hpp"

#include "csv/csv_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

namespace finseg::test {
namespace {

std::string_view find_transaction(const ImportResult& r, std::string_view id, const ShardData** shard, std::size_t* index) {
  for (const auto& s : r.shards)
    for (std::size_t t = 0; t < s.transactions(); ++t)
      if (s.transaction_id[t] == id) {
        *shard = &s;
        *index = t;
        return s.transaction_id[t];
      }
  ADD_FAILURE() << "no transaction " << id;
  return {};
}

// ---- One rejection kind per case: the message names the file, line, column and value. ----

struct RejectCase {
  const char* name;
  std::string extra_accounts;
  std::string extra_transactions;
  std::string expected;  // "file:line: column 'X' value 'V': " + a piece of the reason
  int rejected_rows = 1;
};

void PrintTo(const RejectCase& c, std::ostream* os) { *os << c.name; }

class Rejection : public ::testing::TestWithParam<RejectCase> {};

TEST_P(Rejection, FailsTheImportNamingFileLineColumnValue) {
  const RejectCase& c = GetParam();
  TempDir dir;
  write_bank(dir.path(), c.extra_accounts, c.extra_transactions);
  const std::string message = import_error(dir.path());
  EXPECT_NE(message.find(c.expected), std::string::npos) << "message:\n" << message;
  const std::string total = std::to_string(c.rejected_rows) + (c.rejected_rows == 1 ? " rejected row" : " rejected rows");
  EXPECT_NE(message.find("\n" + total + " in total"), std::string::npos) << message;
}

const std::string kTxnOk = "t9,a1,2024-01-01,1.00,,,,\n";

INSTANTIATE_TEST_SUITE_P(
    Accounts, Rejection,
    ::testing::Values(
        RejectCase{"EmptyAccountId", ",u3,checking,EUR,1.00,2024-01-01\n", "",
                   "accounts.csv:4: column 'accountId' value '': empty accountId"},
        RejectCase{"DuplicateAccountId", "a1,u3,checking,EUR,1.00,2024-01-01\n", "",
                   "accounts.csv:4: column 'accountId' value 'a1': duplicate accountId, first at line 2"},
        RejectCase{"EmptyUserId", "a3,,checking,EUR,1.00,2024-01-01\n", "",
                   "accounts.csv:4: column 'userId' value '': empty userId"},
        RejectCase{"UnknownAccountType", "a3,u3,Checking,EUR,1.00,2024-01-01\n", "",
                   "accounts.csv:4: column 'accountType' value 'Checking': unknown accountType"},
        RejectCase{"CurrencyLowerCase", "a3,u3,checking,eur,1.00,2024-01-01\n", "",
                   "accounts.csv:4: column 'currency' value 'eur': not an ISO 4217 currency code"},
        RejectCase{"CurrencyTooLong", "a3,u3,checking,EURO,1.00,2024-01-01\n", "",
                   "accounts.csv:4: column 'currency' value 'EURO': not an ISO 4217"},
        RejectCase{"CurrencyDigit", "a3,u3,checking,E1R,1.00,2024-01-01\n", "",
                   "accounts.csv:4: column 'currency' value 'E1R': not an ISO 4217"},
        RejectCase{"BalanceSyntax", "a3,u3,checking,EUR,.5,2024-01-01\n", "",
                   "accounts.csv:4: column 'balance' value '.5': not a decimal"},
        RejectCase{"BalanceTrailingDot", "a3,u3,checking,EUR,5.,2024-01-01\n", "",
                   "accounts.csv:4: column 'balance' value '5.': not a decimal"},
        RejectCase{"BalanceExponent", "a3,u3,checking,EUR,1e2,2024-01-01\n", "",
                   "accounts.csv:4: column 'balance' value '1e2': not a decimal"},
        RejectCase{"BalanceNaN", "a3,u3,checking,EUR,NaN,2024-01-01\n", "",
                   "accounts.csv:4: column 'balance' value 'NaN': not a decimal"},
        RejectCase{"BalanceBlanks", "a3,u3,checking,EUR, 1.00,2024-01-01\n", "",
                   "accounts.csv:4: column 'balance' value ' 1.00': not a decimal"},
        RejectCase{"BalanceEmpty", "a3,u3,checking,EUR,,2024-01-01\n", "",
                   "accounts.csv:4: column 'balance' value '': empty decimal"},
        RejectCase{"BalanceFractionDigits", "a3,u3,checking,EUR,1.234,2024-01-01\n", "",
                   "accounts.csv:4: column 'balance' value '1.234': more than 2 fraction digits"},
        RejectCase{"BalanceOverflow", "a3,u3,checking,EUR,92233720368547758.08,2024-01-01\n", "",
                   "accounts.csv:4: column 'balance' value '92233720368547758.08': amount out of range"},
        RejectCase{"BalanceDateShape", "a3,u3,checking,EUR,1.00,2024-1-01\n", "",
                   "accounts.csv:4: column 'balanceDate' value '2024-1-01': not a date of the form YYYY-MM-DD"},
        RejectCase{"BalanceDateNotLeap", "a3,u3,checking,EUR,1.00,2023-02-29\n", "",
                   "accounts.csv:4: column 'balanceDate' value '2023-02-29': no such calendar day"},
        RejectCase{"BalanceDateMonth13", "a3,u3,checking,EUR,1.00,2024-13-01\n", "",
                   "accounts.csv:4: column 'balanceDate' value '2024-13-01': no such calendar day"},
        RejectCase{"TooFewFields", "a3,u3,checking,EUR,1.00\n", "",
                   "accounts.csv:4: record 'a3,u3,checking,EUR,1.00': 5 fields, the header has 6"},
        RejectCase{"TooManyFields", "a3,u3,checking,EUR,1.00,2024-01-01,x\n", "",
                   "accounts.csv:4: record 'a3,u3,checking,EUR,1.00,2024-01-01,x': 7 fields, the header has 6"},
        // Issue 16 item 6: text that is not UTF-8 is a rejected row, the value shown escaped.
        RejectCase{"UserIdNotUtf8", "a3,user-\xff,checking,EUR,1.00,2024-01-01\n", "",
                   "accounts.csv:4: column 'userId' value 'user-\\xff': not valid UTF-8 (byte 0xff at offset 5)"},
        RejectCase{"AccountIdOverlongUtf8", "a\xc0\xaf,u3,checking,EUR,1.00,2024-01-01\n", "",
                   "accounts.csv:4: column 'accountId' value 'a\\xc0\\xaf': not valid UTF-8 (byte 0xc0 at offset 1)"},
        // Issue 16 item 9: the balances of one user's accounts may not overflow int64 cents together.
        RejectCase{"BalancesOfAUserOverflow", "a3,u3,checking,EUR,90000000000000000,2024-01-01\n"
                   "a4,u3,savings,EUR,-2300000000000000,2024-01-01\n", "",
                   "accounts.csv:5: column 'balance' value '-2300000000000000': the money sums of account a4 (user u3) "
                   "would overflow int64 cents"},
        RejectCase{"SmallestBalanceHasNoMagnitude", "a3,u3,checking,EUR,-92233720368547758.08,2024-01-01\n", "",
                   "accounts.csv:4: column 'balance' value '-92233720368547758.08': the money sums of account a3"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Transactions, Rejection,
    ::testing::Values(
        RejectCase{"EmptyTransactionId", "", ",a1,2024-01-01,1.00,,,,\n",
                   "transactions.csv:4: column 'transactionId' value '': empty transactionId"},
        RejectCase{"DuplicateTransactionId", "", "t1,a1,2024-01-01,1.00,,,,\n",
                   "transactions.csv:4: column 'transactionId' value 't1': duplicate transactionId, first at line 2"},
        RejectCase{"UnknownAccount", "", "t9,a7,2024-01-01,1.00,,,,\n",
                   "transactions.csv:4: column 'accountId' value 'a7': no such account in accounts.csv"},
        RejectCase{"EmptyAccount", "", "t9,,2024-01-01,1.00,,,,\n",
                   "transactions.csv:4: column 'accountId' value '': no such account"},
        RejectCase{"AccountRejected", "a3,u3,checking,EUR,1.00,2024-02-30\n", "t9,a3,2024-01-01,1.00,,,,\n",
                   "transactions.csv:4: column 'accountId' value 'a3': the account was rejected (accounts.csv:4)", 2},
        RejectCase{"BookingDateShape", "", "t9,a1,01.01.2024,1.00,,,,\n",
                   "transactions.csv:4: column 'bookingDate' value '01.01.2024': not a date of the form YYYY-MM-DD"},
        RejectCase{"BookingDateImpossible", "", "t9,a1,2023-02-29,1.00,,,,\n",
                   "transactions.csv:4: column 'bookingDate' value '2023-02-29': no such calendar day"},
        RejectCase{"BookingDateAfterBalanceDate", "", "t9,a2,2024-04-01,1.00,,,,\n",
                   "transactions.csv:4: column 'bookingDate' value '2024-04-01': after the account's balanceDate 2024-03-31"},
        RejectCase{"AmountFractionDigits", "", "t9,a1,2024-01-01,1.234,,,,\n",
                   "transactions.csv:4: column 'amount' value '1.234': more than 2 fraction digits"},
        RejectCase{"AmountSyntax", "", "t9,a1,2024-01-01,\"1,00\",,,,\n",
                   "transactions.csv:4: column 'amount' value '1,00': not a decimal"},
        RejectCase{"AmountNaN", "", "t9,a1,2024-01-01,nan,,,,\n",
                   "transactions.csv:4: column 'amount' value 'nan': not a decimal"},
        RejectCase{"AmountEmpty", "", "t9,a1,2024-01-01,,,,,\n",
                   "transactions.csv:4: column 'amount' value '': empty decimal"},
        RejectCase{"AmountOverflow", "", "t9,a1,2024-01-01,-99999999999999999999,,,,\n",
                   "transactions.csv:4: column 'amount' value '-99999999999999999999': amount out of range"},
        RejectCase{"UnknownLabel", "", "t9,a1,2024-01-01,1.00,,,,SALARY;BONUS\n",
                   "transactions.csv:4: column 'labels' value 'SALARY;BONUS': unknown label 'BONUS'"},
        RejectCase{"LabelWrongCase", "", "t9,a1,2024-01-01,1.00,,,,salary\n",
                   "transactions.csv:4: column 'labels' value 'salary': unknown label 'salary'"},
        RejectCase{"EmptyLabelItem", "", "t9,a1,2024-01-01,1.00,,,,SALARY;;RENT\n",
                   "transactions.csv:4: column 'labels' value 'SALARY;;RENT': empty label item"},
        RejectCase{"TrailingSemicolon", "", "t9,a1,2024-01-01,1.00,,,,SALARY;\n",
                   "transactions.csv:4: column 'labels' value 'SALARY;': empty label item"},
        RejectCase{"BlankInLabels", "", "t9,a1,2024-01-01,1.00,,,,SALARY; RENT\n",
                   "transactions.csv:4: column 'labels' value 'SALARY; RENT': unknown label ' RENT'"},
        RejectCase{"TooFewFields", "", "t9,a1,2024-01-01,1.00,,,\n",
                   "transactions.csv:4: record 't9,a1,2024-01-01,1.00,,,': 7 fields, the header has 8"},
        RejectCase{"CounterpartNameNotUtf8", "", "t9,a1,2024-01-01,-9.00,Allianz \xe2\x82,,,\n",
                   "transactions.csv:4: column 'counterpartName' value 'Allianz \\xe2\\x82': not valid UTF-8 (byte 0xe2 at offset 8)"},
        RejectCase{"PurposeSurrogate", "", "t9,a1,2024-01-01,-9.00,,,x\xed\xa0\x80,\n",
                   "transactions.csv:4: column 'purpose' value 'x\\xed\\xa0\\x80': not valid UTF-8 (byte 0xed at offset 1)"},
        RejectCase{"TransactionIdNotUtf8", "", "t\xfe,a1,2024-01-01,-9.00,,,,\n",
                   "transactions.csv:4: column 'transactionId' value 't\\xfe': not valid UTF-8"},
        // A balance of INT64_MAX cents, then any amount: reconstructing the balance backwards overflows.
        RejectCase{"AmountAfterLargestBalance", "a3,u3,checking,EUR,92233720368547758.07,2024-01-01\n",
                   "t9,a3,2024-01-01,-1.00,,,,\n",
                   "transactions.csv:4: column 'amount' value '-1.00': the money sums of account a3 (user u3) would overflow"},
        RejectCase{"TwoLargeAmounts", "a3,u3,checking,EUR,0,2024-01-01\n",
                   "t9,a3,2024-01-01,90000000000000000,,,,\nt10,a3,2024-01-01,90000000000000000,,,,\n",
                   "transactions.csv:5: column 'amount' value '90000000000000000': the money sums of account a3"},
        RejectCase{"LargeAmountsOnTwoAccountsOfOneUser",
                   "a3,u3,checking,EUR,0,2024-01-01\na4,u3,savings,EUR,0,2024-01-01\n",
                   "t9,a3,2024-01-01,90000000000000000,,,,\nt10,a4,2024-01-01,-3000000000000000,,,,\n",
                   "transactions.csv:5: column 'amount' value '-3000000000000000': the money sums of account a4 (user u3)"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(CsvImport, ValidBankImports) {
  TempDir dir;
  write_bank(dir.path(), "", kTxnOk);
  const ImportResult r = import_csv(dir.path(), taxonomy(), {});
  EXPECT_EQ(r.account_rows, 2u);
  EXPECT_EQ(r.transaction_rows, 3u);
  EXPECT_EQ(r.rejected_rows, 0u);
}

TEST(CsvImport, TransactionsOfARejectedAccountAreRejectedToo) {
  TempDir dir;
  write_bank(dir.path(), "a3,u3,checking,EUR,1.000,2024-01-01\n",
             "t9,a3,2024-01-01,1.00,,,,\nt10,a3,2024-01-02,1.00,,,,\n");
  const std::string message = import_error(dir.path());
  EXPECT_NE(message.find("accounts.csv:4: column 'balance' value '1.000'"), std::string::npos) << message;
  EXPECT_NE(message.find("transactions.csv:5: column 'accountId' value 'a3': the account was rejected"), std::string::npos);
  EXPECT_NE(message.find("3 rejected rows in total"), std::string::npos) << message;
}

TEST(CsvImport, LineNumbersArePhysicalLines) {
  TempDir dir;
  write_bank(dir.path(), "", "t8,a1,2024-01-01,1.00,,,\"two\r\nlines\",\r\nt9,a1,2024-01-01,1.001,,,,\r\n");
  const std::string message = import_error(dir.path());
  EXPECT_NE(message.find("transactions.csv:6: column 'amount' value '1.001'"), std::string::npos) << message;
}

TEST(CsvImport, LongAndMultiLineValuesAreShortenedAndEscapedInMessages) {
  TempDir dir;
  const std::string long_label(500, 'X');
  write_bank(dir.path(), "a3,u3,\"check\ning\",EUR,1.00,2024-01-01\n", "t9,a1,2024-01-01,1.00,,,," + long_label + "\n");
  const std::string message = import_error(dir.path());
  EXPECT_NE(message.find("value 'check\\ning': unknown accountType"), std::string::npos) << message;
  EXPECT_NE(message.find("value '" + std::string(60, 'X') + "...(500 bytes)'"), std::string::npos) << message;
  EXPECT_EQ(message.find(std::string(200, 'X')), std::string::npos) << "the reason repeats the label, shortened too";
}

TEST(CsvImport, ListsTheFirstProblemsAndTheTotal) {
  TempDir dir;
  std::string bad;
  for (int i = 0; i < 30; ++i) bad += "x" + std::to_string(i) + ",a1,2024-01-01,0.001,,,,\n";
  write_bank(dir.path(), "", bad);
  ImportOptions options;
  options.max_reported_errors = 5;
  const std::string message = import_error(dir.path(), options);
  EXPECT_NE(message.find("transactions.csv:8: column 'amount'"), std::string::npos) << message;
  EXPECT_EQ(message.find("transactions.csv:9:"), std::string::npos) << message;
  EXPECT_NE(message.find("30 rejected rows in total (5 listed)"), std::string::npos) << message;
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 6) << message;
}

TEST(CsvImport, HeaderProblemsAreErrors) {
  TempDir dir;
  write_bank(dir.path());
  write_file(dir / "accounts.csv", "accountId,userId,accountType,currency,balance\na1,u1,checking,EUR,1\n");
  EXPECT_NE(import_error(dir.path()).find("accounts.csv:1: header: required column 'balanceDate' is missing"),
            std::string::npos);
  write_bank(dir.path());
  write_file(dir / "transactions.csv", std::string(kTransactionsHeader).insert(0, "amount,"));
  EXPECT_NE(import_error(dir.path()).find("transactions.csv:1: header: column 'amount' appears twice"), std::string::npos);
  write_file(dir / "transactions.csv", "");
  EXPECT_NE(import_error(dir.path()).find("transactions.csv: empty file"), std::string::npos);
}

TEST(CsvImport, MalformedQuotingFailsWithFileAndLine) {
  TempDir dir;
  write_bank(dir.path(), "", "t9,a1,2024-01-01,1.00,,,bad\"quote,\n");
  EXPECT_NE(import_error(dir.path()).find("transactions.csv:4: malformed CSV: quote inside an unquoted field"),
            std::string::npos);
}

TEST(CsvImport, MissingFileIsAnIoError) {
  TempDir dir;
  write_bank(dir.path());
  std::filesystem::remove(dir / "transactions.csv");
  EXPECT_THROW(import_csv(dir.path(), taxonomy(), {}), IoError);
}

TEST(CsvImport, ColumnsInAnyOrderWithExtraColumns) {
  TempDir dir;
  write_file(dir / "accounts.csv",
             "\xEF\xBB\xBF" "balanceDate,note,balance,currency,accountType,userId,accountId\r\n"
             "2024-04-10,hi,1.5,EUR,loan,u1,a1\r\n");
  write_file(dir / "transactions.csv",
             "labels,purpose,counterpartIban,counterpartName,amount,bookingDate,accountId,transactionId,x\n"
             "RENT,\"p, q\",IBAN,Name,-3,2024-04-10,a1,t1,ignored\n");
  const ImportResult r = import_csv(dir.path(), taxonomy(), with_shards(1));
  ASSERT_EQ(r.shards.size(), 1u);
  const ShardData& s = r.shards[0];
  ASSERT_EQ(s.accounts(), 1u);
  EXPECT_EQ(s.account_type[0], AccountType::loan);
  EXPECT_EQ(s.balance[0], 150);
  EXPECT_EQ(s.balance_date[0], *parse_date("2024-04-10"));
  ASSERT_EQ(s.transactions(), 1u);
  EXPECT_EQ(s.transaction_id[0], "t1");
  EXPECT_EQ(s.amount[0], -300);
  EXPECT_EQ(s.purpose[0], "p, q");
  EXPECT_EQ(s.counterpart_name[0], "Name");
  EXPECT_EQ(s.counterpart_iban[0], "IBAN");
  EXPECT_EQ(s.labels[0], LabelSet{1} << *taxonomy().bit_of("RENT"));
}

// ---- Setting rejected rows aside ----

void write_bank_with_three_bad_rows(const std::filesystem::path& dir) {
  write_bank(dir, "a3,u3,checking,EUR,1.00,2023-02-29\n",
             "t9,a1,2024-01-01,1.234,\"Name, Inc.\",,\"multi\nline\",\n"
             "t10,a1,2024-01-01,1.00,,,,NOPE\n"
             "t11,a1,2024-01-01,-4.00,,,,SALARY\n");
}

TEST(CsvImportRejects, UpToTheAllowanceAreSetAsideWithReasons) {
  TempDir dir;
  write_bank_with_three_bad_rows(dir.path());
  ImportOptions options;
  options.max_rejects = 3;
  options.rejects_file = dir / "out/rejects.csv";
  std::filesystem::create_directories(dir / "out");
  const ImportResult r = import_csv(dir.path(), taxonomy(), options);
  EXPECT_EQ(r.account_rows, 2u);
  EXPECT_EQ(r.transaction_rows, 3u);
  EXPECT_EQ(r.rejected_rows, 3u);
  EXPECT_EQ(total_transactions(r), 3u);

  csv::Reader reader = csv::Reader::open(options.rejects_file);
  csv::Record rec;
  std::vector<std::vector<std::string>> rows;
  while (reader.next(rec)) rows.emplace_back(rec.fields.begin(), rec.fields.end());
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"file", "line", "column", "value", "reason", "record"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"accounts.csv", "4", "balanceDate", "2023-02-29", "no such calendar day",
                                               "a3,u3,checking,EUR,1.00,2023-02-29"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"transactions.csv", "4", "amount", "1.234", "more than 2 fraction digits",
                                               "t9,a1,2024-01-01,1.234,\"Name, Inc.\",,\"multi\nline\","}));
  EXPECT_EQ(rows[3][1], "6");
  EXPECT_EQ(rows[3][2], "labels");
  EXPECT_EQ(rows[3][3], "NOPE");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir / "out"), std::filesystem::directory_iterator{}), 1);
}

TEST(CsvImportRejects, OneMoreThanAllowedFailsWithNothingWritten) {
  TempDir dir;
  write_bank_with_three_bad_rows(dir.path());
  std::filesystem::create_directories(dir / "out");
  ImportOptions options;
  options.max_rejects = 2;
  options.rejects_file = dir / "out/rejects.csv";
  const std::string message = import_error(dir.path(), options);
  EXPECT_NE(message.find("more rejected rows than the 2 allowed"), std::string::npos) << message;
  EXPECT_NE(message.find("3 rejected rows in total"), std::string::npos) << message;
  EXPECT_TRUE(std::filesystem::is_empty(dir / "out")) << "a rejects file or temp file was left behind";
}

TEST(CsvImport, LargeSumsBelowTheBoundImport) {
  TempDir dir;
  // |balance| + |amounts| of user u3 is exactly INT64_MAX cents: every sum a job computes fits.
  write_bank(dir.path(), "a3,u3,checking,EUR,92233720368547757.07,2024-01-01\n", "t9,a3,2024-01-01,-1.00,,,,\n");
  const ImportResult r = import_csv(dir.path(), taxonomy(), {});
  EXPECT_EQ(r.transaction_rows, 3u);
}

TEST(CsvImportRejects, InvalidUtf8IsSetAsideEscapedSoTheRejectsFileIsUtf8) {
  TempDir dir;
  write_bank(dir.path(), "", "t9,a1,2024-01-01,-9.00,Versicherung \xff AG,,,\n");
  ImportOptions options;
  options.max_rejects = 1;
  options.rejects_file = dir / "rejects.csv";
  const ImportResult r = import_csv(dir.path(), taxonomy(), options);
  EXPECT_EQ(r.rejected_rows, 1u);
  EXPECT_EQ(r.transaction_rows, 2u);
  const std::string text = read_file(options.rejects_file);
  EXPECT_EQ(text.find('\xff'), std::string::npos) << text;
  EXPECT_NE(text.find("transactions.csv,4,counterpartName,Versicherung \\xff AG,not valid UTF-8 (byte 0xff at offset 13),"
                      "\"t9,a1,2024-01-01,-9.00,Versicherung \\xff AG,,,\""),
            std::string::npos)
      << text;
}

TEST(CsvImportRejects, AnExistingRejectsFileIsRefusedUnlessReplacing) {
  TempDir dir;
  write_bank(dir.path());
  write_file(dir / "rejects.csv", "keep me\n");
  ImportOptions options;
  options.max_rejects = 1;
  options.rejects_file = dir / "rejects.csv";
  try {
    (void)import_csv(dir.path(), taxonomy(), options);
    ADD_FAILURE() << "an existing rejects file was overwritten";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("rejects.csv exists already"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(dir / "rejects.csv"), "keep me\n");
  options.replace_rejects = true;
  (void)import_csv(dir.path(), taxonomy(), options);
  EXPECT_EQ(read_file(dir / "rejects.csv"), "file,line,column,value,reason,record\n");
}

TEST(CsvImportRejects, CleanImportWritesAnEmptyRejectsFile) {
  TempDir dir;
  write_bank(dir.path());
  ImportOptions options;
  options.max_rejects = 1;
  options.rejects_file = dir / "rejects.csv";
  const ImportResult r = import_csv(dir.path(), taxonomy(), options);
  EXPECT_EQ(r.rejected_rows, 0u);
  EXPECT_EQ(read_file(options.rejects_file), "file,line,column,value,reason,record\n");
}

// ---- The tiny example of shared/ ----

TEST(CsvImportTiny, CountsOrderAndExactValues) {
  const ImportResult r = import_csv(tiny_dir(), taxonomy(), with_shards(1));
  ASSERT_EQ(r.shards.size(), 1u);
  const ShardData& s = r.shards[0];
  EXPECT_EQ(r.account_rows, 5u);
  EXPECT_EQ(r.transaction_rows, 35u);
  ASSERT_EQ(s.users(), 3u);
  // UTF-8 byte order: upper case before lower case, "a-10" before "a-9".
  EXPECT_EQ(s.user_id[0], "user-B");
  EXPECT_EQ(s.user_id[1], "user-a");
  EXPECT_EQ(s.user_id[2], "user-c");
  ASSERT_EQ(s.accounts(), 5u);
  EXPECT_EQ(s.account_id[0], "b-card");
  EXPECT_EQ(s.account_id[1], "b-chk");
  EXPECT_EQ(s.account_id[2], "a-10");
  EXPECT_EQ(s.account_id[3], "a-9");
  EXPECT_EQ(s.account_id[4], "c-chk");
  EXPECT_EQ(s.user_account_offsets, (std::vector<std::int64_t>{0, 2, 4, 5}));
  EXPECT_EQ(s.balance[0], -15550);
  EXPECT_EQ(s.account_type[0], AccountType::creditCard);
  EXPECT_EQ(s.balance_date[0], *parse_date("2024-03-31"));
  EXPECT_EQ(s.balance[3], 1124487);
  EXPECT_EQ((s.currency[3]), (Currency{'E', 'U', 'R'}));
  // a-10 has no transactions; a-9 has 14, b-card 3, b-chk 7, c-chk 11.
  EXPECT_EQ(s.account_txn_offsets, (std::vector<std::int64_t>{0, 3, 10, 10, 24, 35}));

  const ShardData* sh = nullptr;
  std::size_t t = 0;
  find_transaction(r, "t-a12", &sh, &t);
  EXPECT_EQ(sh->purpose[t], "Privathaftpflicht\nBeitrag 2024");
  EXPECT_EQ(sh->counterpart_name[t], " HUK-COBURG ");
  EXPECT_EQ(sh->amount[t], -6250);
  find_transaction(r, "t-a14", &sh, &t);
  EXPECT_EQ(sh->purpose[t], "REWE SAGT DANKE 1234, \"Wocheneinkauf\"");
  EXPECT_EQ(sh->counterpart_iban[t], "");
  find_transaction(r, "t-a06", &sh, &t);
  EXPECT_EQ(taxonomy().format(sh->labels[t]), "CAPITALINCOME;LIFEINSURANCE");
  EXPECT_EQ(sh->purpose[t], "\xC3\x9C" "berschussbeteiligung Lebensversicherung LV-1234");
  find_transaction(r, "t-a11", &sh, &t);
  EXPECT_EQ(sh->counterpart_name[t], "Allianz\tVersicherungs-AG");
  find_transaction(r, "t-a09", &sh, &t);
  EXPECT_EQ(sh->labels[t], 0u);
  EXPECT_EQ(sh->amount[t], 0);
  find_transaction(r, "t-b01", &sh, &t);
  EXPECT_EQ(sh->labels[t], 0u);

  // Booking dates ascend within each account.
  for (std::size_t a = 0; a < s.accounts(); ++a)
    EXPECT_TRUE(std::is_sorted(s.booking_date.begin() + s.account_txn_offsets[a],
                               s.booking_date.begin() + s.account_txn_offsets[a + 1]));
}

TEST(CsvImportTiny, EqualDatesKeepInputOrder) {
  TempDir dir;
  write_file(dir / "accounts.csv", std::string(kAccountsHeader) + "a,u,checking,EUR,0,2024-12-31\n");
  write_file(dir / "transactions.csv", std::string(kTransactionsHeader) +
                                           "t5,a,2024-03-01,1,,,,\n"
                                           "t3,a,2024-01-01,1,,,,\n"
                                           "t1,a,2024-03-01,1,,,,\n"
                                           "t4,a,2024-01-01,1,,,,\n"
                                           "t2,a,2024-02-01,1,,,,\n");
  const ImportResult r = import_csv(dir.path(), taxonomy(), with_shards(1));
  const ShardData& s = r.shards[0];
  std::vector<std::string> ids;
  for (std::size_t t = 0; t < s.transactions(); ++t) ids.emplace_back(s.transaction_id[t]);
  EXPECT_EQ(ids, (std::vector<std::string>{"t3", "t4", "t2", "t5", "t1"}));
}

TEST(CsvImportTiny, ShardsAreContiguousBlocksOfTheSortedUsers) {
  const ImportResult one = import_csv(tiny_dir(), taxonomy(), with_shards(1));
  for (const int shards : {2, 3, 4, 10}) {
    const ImportResult r = import_csv(tiny_dir(), taxonomy(), with_shards(shards));
    ASSERT_EQ(r.shards.size(), static_cast<std::size_t>(shards));
    std::vector<std::string> users, txns;
    std::size_t empty = 0;
    for (const ShardData& s : r.shards) {
      empty += s.users() == 0;
      if (s.users() == 0) {
        EXPECT_EQ(s, ShardData{});
      }
      for (std::size_t u = 0; u < s.users(); ++u) users.emplace_back(s.user_id[u]);
      for (std::size_t t = 0; t < s.transactions(); ++t) txns.emplace_back(s.transaction_id[t]);
    }
    EXPECT_EQ(empty, shards > 3 ? static_cast<std::size_t>(shards - 3) : 0u) << shards;
    EXPECT_EQ(users, (std::vector<std::string>{"user-B", "user-a", "user-c"})) << shards;
    ASSERT_EQ(txns.size(), 35u);
    for (std::size_t t = 0; t < txns.size(); ++t) EXPECT_EQ(txns[t], one.shards[0].transaction_id[t]);
    // Deterministic.
    EXPECT_EQ(import_csv(tiny_dir(), taxonomy(), with_shards(shards)).shards, r.shards);
  }
}

// The UTF-8 check takes the whole record first: a record that is valid UTF-8 (umlauts, a quoted
// field with doubled quotes) is accepted without a check per field, and an invalid byte in a
// column the import ignores rejects nothing, while one in a contract column still names it.
TEST(CsvImport, Utf8IsCheckedOverTheRecordAndOnlyTheContractsColumnsCanFail) {
  TempDir dir;
  write_bank(dir.path());
  write_file(dir / "transactions.csv",
             "transactionId,accountId,bookingDate,amount,counterpartName,counterpartIban,purpose,labels,note\n"
             "t1,a1,2024-01-01,-1.50,M\xc3\xbcller \xe2\x82\xac,DE00,\"say \"\"gr\xc3\xbc\xc3\x9f\"\"\",GROCERIES,ok\n"
             "t2,a2,2024-03-31,2.00,,,,,not \xff utf-8\n");
  const ImportResult r = import_csv(dir.path(), taxonomy(), {});
  EXPECT_EQ(r.transaction_rows, 2u);
  write_file(dir / "transactions.csv",
             "transactionId,accountId,bookingDate,amount,counterpartName,counterpartIban,purpose,labels,note\n"
             "t1,a1,2024-01-01,-1.50,M\xc3\xbcller,DE00,\"say \"\"gr\xc3\xbc\xc3\"\"\",GROCERIES,\xff\n");
  const std::string message = import_error(dir.path());
  EXPECT_NE(message.find("transactions.csv:2: column 'purpose'"), std::string::npos) << message;
  EXPECT_NE(message.find("not valid UTF-8 (byte 0xc3 at offset 9)"), std::string::npos) << message;
}

}  // namespace
}  // namespace finseg::test
