// The merchant list (config/label-brands.json, docs/labeller.md "The merchant list"): brand names
// matched on the counterparty key, after the explicit rules and the bank's memory, before the
// classifiers.
#include "label/brand_list.hpp"
#include "label/learned_labeller.hpp"
#include "learned_eval.hpp"

#include "core/errors.hpp"

#include <gtest/gtest.h>

namespace finseg::test {
namespace {

const char* kList = R"({"comment": "test list", "brands": [
  {"labels": ["SHOPPING"], "names": ["Hunkemöller", "Fielmann", "Kaufland", "Tom Tailor"]},
  {"labels": ["TRAVEL"], "names": ["Premier Inn", "Uber"]},
  {"labels": ["RESTAURANTS"], "comment": "the longer name wins", "names": ["Uber Eats"]},
  {"labels": ["HOUSEHOLDINSURANCE", "LIABILITYINSURANCE"], "names": ["Kombi Versicherer"]},
  {"labels": ["TRAVELINSURANCE"], "names": ["Europäische Reiseversicherung"]}]})";

const BrandList& list() {
  static const BrandList l = BrandList::parse(kList, "test.json", taxonomy());
  return l;
}

LabelSet set(std::string_view names) { return taxonomy().parse(names).set; }

LabelSet find(std::string_view name, std::string_view purpose = "", Cents amount = -1999, std::string_view iban = "") {
  return list().find({purpose, name, iban, amount});
}

TEST(BrandList, FindsABrandWithItsStoreNumberCityAndCardWords) {
  EXPECT_EQ(find("HUNKEMOELLER 0815 KOELN"), set("SHOPPING"));
  EXPECT_EQ(find("Hunkemöller Fil. 4711 Köln-Ehrenfeld", "VISA Debitkartenzahlung"), set("SHOPPING"));
  EXPECT_EQ(find("PREMIER INN MUENCHEN"), set("TRAVEL"));
  EXPECT_EQ(find("SumUp *Premier Inn Berlin"), set("TRAVEL"));  // the intermediary's prefix is skipped
  EXPECT_EQ(find("TOM TAILOR"), set("SHOPPING"));
  EXPECT_EQ(find("Kombi und Versicherer"), set("HOUSEHOLDINSURANCE;LIABILITYINSURANCE"));  // "und" is "&" is nothing
  EXPECT_EQ(find("Tom"), 0u);  // a brand is matched whole: its first word alone is not it
  EXPECT_EQ(find("Kombi Versicherer"), set("HOUSEHOLDINSURANCE;LIABILITYINSURANCE"));
}

TEST(BrandList, FoldsLegalFormsCaseAndUmlauts) {
  EXPECT_EQ(find("Fielmann AG & Co. oHG"), set("SHOPPING"));
  EXPECT_EQ(find("FIELMANN GMBH"), set("SHOPPING"));
  EXPECT_EQ(find("Hunkemoller B.V."), 0u);  // "oe" is how umlauts fold; a misspelling is another name
  EXPECT_EQ(find("Premier Inn Hotels Ltd"), set("TRAVEL"));
}

TEST(BrandList, TheLongestListedNameWins) {
  EXPECT_EQ(find("UBER *EATS"), set("RESTAURANTS"));
  EXPECT_EQ(find("Uber BV"), set("TRAVEL"));
}

TEST(BrandList, OnlyTheFirstWordsOfAnOutgoingPaymentCount) {
  EXPECT_EQ(find("Hunkemöller", "Gehalt 06/2026", 250000), 0u);  // an employer or a refund: incoming
  EXPECT_EQ(find("Anna Fielmann"), 0u);  // a person who shares a brand's name is no prefix match
  EXPECT_EQ(find("Kleines Cafe am Markt"), 0u);
}

TEST(BrandList, APaymentIntermediarysMerchantIsLookedUp) {
  EXPECT_EQ(find("PayPal (Europe) S.a r.l. et Cie, S.C.A.", "1040012345678 PP.1234.PP . Ihr Einkauf bei Hunkemöller", -4999,
                 "DE88500700100175526303"),
            set("SHOPPING"));
}

TEST(BrandList, RejectsWhatItCannotMatchNamingFileGroupAndName) {
  const auto error = [](const char* json) {
    try {
      BrandList::parse(json, "brands.json", taxonomy());
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error(R"({"brands": [{"labels": ["SHOPING"], "names": ["X Markt"]}]})"),
            "brands.json: brands group #1: unknown label 'SHOPING' (not in the taxonomy)");
  EXPECT_EQ(error(R"({"brands": [{"labels": ["SHOPPING"], "names": ["Rewe"]}, {"labels": ["GROCERIES"], "names": ["REWE GmbH"]}]})"),
            "brands.json: brands group #2: brand 'REWE GmbH' is listed twice (as 'rewe')");
  EXPECT_EQ(error(R"({"brands": [{"labels": ["SHOPPING"], "names": ["Das ist ein sehr langer Name"]}]})"),
            "brands.json: brands group #1: brand 'Das ist ein sehr langer Name' has more than 4 words");
  EXPECT_EQ(error(R"({"brands": [{"labels": ["SHOPPING"], "names": ["4711"]}]})"),
            "brands.json: brands group #1: brand '4711' has no letters to match");
  EXPECT_EQ(error(R"({"brands": [{"labels": ["SHOPPING"], "names": ["x"], "nmaes": []}]})"),
            "brands.json: brands group #1: unknown key \"nmaes\" (known: labels, names, comment)");
  EXPECT_EQ(error(R"({"brand": []})"), "brands.json: unknown top-level key \"brand\" (known: comment, brands)");
}

// In the learned labeller: explicit rules win ("kaufland" is GROCERIES to the rules), then the list,
// but not over a fallback rule that keeps a row unlabelled; a name it does not know is left to the
// classifiers.
TEST(BrandList, ComesAfterExplicitRulesAndBeforeTheClassifiers) {
  LearnedLabeller learner(&default_labeller(), taxonomy());
  learner.load_shipped(shipped_classifier());
  learner.set_brands(list());
  learner.finish();
  std::vector<UnlabelledRow> rows = {{{"Kartenzahlung girocard", "HUNKEMOELLER 0815", "", -2999}, 0, 0},
                                     {{"Kartenzahlung girocard", "Kaufland Fil. 1234", "", -4210}, 0, 0},
                                     {{"Umbuchung auf Tagesgeld", "Fielmann", "", -5000}, 0, 0},
                                     {{"Kartenzahlung girocard", "Zum Goldenen Anker Fil. 2", "", -3150}, 0, 0},
                                     {{"Kartenzahlung girocard", "PREMIER INN PARKHAUS", "", -1200}, 0, 0},
                                     {{"Beitrag 2026 Vertrag 4711", "Europäische Reiseversicherung AG", "DE02100100100006820101", -3900}, 0, 0}};
  std::vector<LabelSet> got(rows.size());
  learner.label(rows, got);
  EXPECT_EQ(got[0], set("SHOPPING"));
  EXPECT_EQ(got[1], set("GROCERIES"));  // the explicit groceries rule, not the list's SHOPPING
  EXPECT_EQ(got[2], 0u);                // the own-transfer rule
  EXPECT_EQ(got[4], 0u);                // the fallback rule that keeps parking unlabelled wins over the brand
  EXPECT_EQ(got[5], set("TRAVELINSURANCE"));  // the listed insurer's leaf wins over the fallback INSURANCE group
  EXPECT_EQ(learner.sources()[LabelSource::brand], 2u);
  EXPECT_EQ(learner.sources()[LabelSource::rule], 3u);  // and the fourth row is not the list's: left to the classifiers
}

// The bank's memory knows how this bank labels a counterparty: it wins over the list.
TEST(BrandList, TheBanksMemoryWinsOverTheList) {
  LearnedLabeller learner(&default_labeller(), taxonomy());
  learner.set_brands(list());
  for (int i = 0; i < 3; ++i) learner.observe({"Kartenzahlung", "Premier Inn", "", -8900}, set("SHOPPING"));
  learner.finish();
  std::vector<UnlabelledRow> rows = {{{"Kartenzahlung", "PREMIER INN", "", -9900}, 0, 0}};
  std::vector<LabelSet> got(rows.size());
  learner.label(rows, got);
  EXPECT_EQ(got[0], set("SHOPPING"));
  EXPECT_EQ(learner.sources()[LabelSource::memory], 1u);
}

TEST(BrandList, TheShippedListLoads) {
  const BrandList shipped = BrandList::load(default_label_brands_path(std::filesystem::path(FINSEG_SOURCE_DIR) / "config/labels.json"),
                                            taxonomy());
  EXPECT_GT(shipped.size(), 500u);
  EXPECT_EQ(shipped.find({"VISA Debitkartenzahlung", "HUNKEMOELLER 123", "", -1999}), set("SHOPPING"));
  EXPECT_EQ(shipped.find({"Kartenzahlung", "PREMIER INN FRANKFURT", "", -8900}), set("TRAVEL"));
}

}  // namespace
}  // namespace finseg::test
