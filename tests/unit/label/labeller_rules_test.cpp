// The rules-file format and its semantics (docs/labeller.md): conditions per field, the `text`
// field, amount signs, case, priorities, unlabelled rules, and errors that name the rule.
#include "core/errors.hpp"
#include "label_test_util.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

namespace finseg::test {
namespace {

Labeller compile(const std::string& rules_json) { return Labeller(parse_label_rules(rules_json, "test.json"), taxonomy()); }

std::string run(const Labeller& l, std::string_view purpose, std::string_view name = "", Cents amount = -100,
                std::string_view iban = "") {
  return taxonomy().format(l.label({purpose, name, iban, amount}));
}

// The message of the InputError that `f` throws ("" when it throws none).
template <class F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(LabellerRules, FieldsMustAllMatchAndTextIsPurposeOrName) {
  const Labeller l = compile(R"({"rules": [
    {"name": "both", "labels": ["HOUSEHOLDINSURANCE"], "purpose": "hausrat", "counterpartName": "devk"},
    {"name": "either", "labels": ["GROCERIES"], "text": "rewe"},
    {"name": "iban", "labels": ["UTILITIES"], "counterpartIban": "^DE02120300000000202051$"}]})");
  EXPECT_EQ(run(l, "Hausrat Q1", "DEVK"), "HOUSEHOLDINSURANCE");
  EXPECT_EQ(run(l, "Hausrat Q1", "AXA"), "");
  EXPECT_EQ(run(l, "Beitrag", "DEVK"), "");
  EXPECT_EQ(run(l, "REWE SAGT DANKE"), "GROCERIES");
  EXPECT_EQ(run(l, "Kartenzahlung", "Rewe Markt"), "GROCERIES");
  EXPECT_EQ(run(l, "x", "y", -100, "DE02120300000000202051"), "UTILITIES");
  EXPECT_EQ(run(l, "DE02120300000000202051"), "");  // an IBAN pattern looks at the IBAN only
  EXPECT_EQ(l.matching_rules({"REWE Hausrat", "DEVK", "", -1}), (std::vector<std::size_t>{0, 1}));
}

TEST(LabellerRules, AmountSignAndCase) {
  const Labeller l = compile(R"({"rules": [
    {"name": "in", "labels": ["RENTALINCOME"], "purpose": "miete", "amount": "incoming"},
    {"name": "out", "labels": ["RENT"], "purpose": "miete", "amount": "outgoing"},
    {"name": "any", "labels": ["GAMBLING"], "purpose": "lotto", "amount": "any"},
    {"name": "exact", "labels": ["CRYPTO"], "purpose": "BTC", "caseSensitive": true}]})");
  EXPECT_EQ(run(l, "MIETE März", "", 100), "RENTALINCOME");
  EXPECT_EQ(run(l, "Miete März", "", -100), "RENT");
  EXPECT_EQ(run(l, "Miete März", "", 0), "");  // zero is neither incoming nor outgoing
  EXPECT_EQ(run(l, "Lotto storniert", "", 0), "GAMBLING");
  EXPECT_EQ(run(l, "Kauf BTC"), "CRYPTO");
  EXPECT_EQ(run(l, "Kauf btc"), "");
  EXPECT_EQ(run(l, "ÜBERWEISUNG"), "");
}

TEST(LabellerRules, HighestPriorityWinsAndEqualPrioritiesUnite) {
  const Labeller l = compile(R"({"rules": [
    {"name": "never", "labels": [], "purpose": "umbuchung", "priority": 100},
    {"name": "kfz", "labels": ["CARINSURANCE"], "purpose": "kfz-haftpflicht", "priority": 45},
    {"name": "haftpflicht", "labels": ["LIABILITYINSURANCE"], "purpose": "haftpflicht", "priority": 40},
    {"name": "hausrat", "labels": ["HOUSEHOLDINSURANCE"], "purpose": "hausrat", "priority": 40},
    {"name": "fallback", "labels": ["INSURANCE"], "purpose": "versicherung"}]})");
  EXPECT_EQ(run(l, "Kfz-Haftpflicht Versicherung"), "CARINSURANCE");
  EXPECT_EQ(run(l, "Hausrat + Haftpflicht"), "LIABILITYINSURANCE;HOUSEHOLDINSURANCE");
  EXPECT_EQ(run(l, "Versicherung Beitrag"), "INSURANCE");
  EXPECT_EQ(run(l, "Umbuchung Hausrat Versicherung"), "");
}

TEST(LabellerRules, Utf8CaseFolding) {
  const Labeller l = compile(R"({"rules": [{"name": "u", "labels": ["SALARY"], "purpose": "bezüge"}]})");
  EXPECT_EQ(run(l, "BEZÜGE 03/2026", "", 100), "SALARY");
  EXPECT_EQ(run(l, "Bezüge 03/2026", "", 100), "SALARY");
}

TEST(LabellerRules, ErrorsNameTheRule) {
  EXPECT_NE(input_error([] { compile(R"({"rules": [{"name": "r1", "labels": ["BONUS"], "purpose": "x"}]})"); })
                .find("label rule 'r1': unknown label 'BONUS'"),
            std::string::npos);
  EXPECT_NE(input_error([] { compile(R"({"rules": [{"name": "bad-re", "labels": [], "purpose": "(unclosed"}]})"); })
                .find("label rule 'bad-re': purpose pattern '(unclosed'"),
            std::string::npos);
  EXPECT_NE(input_error([] { compile(R"({"rules": [{"name": "k", "labels": [], "purpose": "x", "fields": 1}]})"); })
                .find("test.json: rule #1 'k': unknown key \"fields\""),
            std::string::npos);
  EXPECT_NE(input_error([] { compile(R"({"rules": [{"name": "k", "purpose": "x"}]})"); }).find("\"labels\" is missing"),
            std::string::npos);
  EXPECT_NE(input_error([] { compile(R"({"rules": [{"name": "k", "labels": []}]})"); }).find("'k': no pattern"),
            std::string::npos);
  EXPECT_NE(input_error([] { compile(R"({"rules": [{"labels": [], "purpose": "x"}]})"); }).find("rule #1: \"name\""),
            std::string::npos);
  EXPECT_NE(input_error([] {
              compile(R"({"rules": [{"name": "a", "labels": [], "text": "x"}, {"name": "a", "labels": [], "text": "y"}]})");
            }).find("rule #2 'a': duplicate rule name"),
            std::string::npos);
  EXPECT_NE(input_error([] { compile(R"({"rules": [{"name": "s", "labels": [], "text": "x", "amount": "in"}]})"); })
                .find("'s': \"amount\" must be"),
            std::string::npos);
  EXPECT_NE(input_error([] { compile(R"({"rules": [{"name": "p", "labels": [], "text": "x", "priority": 1.5}]})"); })
                .find("'p': \"priority\" must be an integer"),
            std::string::npos);
  EXPECT_NE(input_error([] { compile(R"({"rule": []})"); }).find("unknown top-level key \"rule\""), std::string::npos);
  EXPECT_NE(input_error([] { compile("{"); }).find("test.json: not valid JSON"), std::string::npos);
}

TEST(LabellerRules, LoadingNamesTheFile) {
  const auto file = std::filesystem::temp_directory_path() / ("finseg-label-rules-" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(file);
    out << R"({"rules": [{"name": "gehalt", "labels": ["SALARY", "PAYCHECK"], "purpose": "gehalt"}]})";
  }
  const std::string message = input_error([&] { load_labeller(file, taxonomy()); });
  std::filesystem::remove(file);
  EXPECT_NE(message.find(file.string() + ": label rule 'gehalt': unknown label 'PAYCHECK'"), std::string::npos) << message;
  EXPECT_THROW(load_labeller(file, taxonomy()), IoError);
}

TEST(LabellerRules, DefaultRulesFileLoads) {
  EXPECT_EQ(default_rules_file().filename(), "label-rules.json");
  EXPECT_GT(default_labeller().rules().size(), 20u);
}

TEST(LabellerRules, NestingDeeperThan64LevelsIsAnInputError) {
  const std::string deep = "{\"rules\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(input_error([&] { parse_label_rules(deep, "deep.json"); }),
            "deep.json: not valid JSON: nested deeper than 64 levels at byte 73");
}

}  // namespace
}  // namespace finseg::test
