// The default rules (config/label-rules.json) on classic German and English bank texts, and on
// texts that must stay unlabelled (transfers between own accounts, fees, private payments).
#include "label_test_util.hpp"

#include <gtest/gtest.h>

namespace finseg::test {
namespace {

TEST(LabellerExamples, Income) {
  EXPECT_EQ(label_names("LOHN / GEHALT 12/2023", "Muster GmbH", 3000), "SALARY");
  EXPECT_EQ(label_names("GEHALT MAERZ 2026", "Siemens AG", 3512.5), "SALARY");
  EXPECT_EQ(label_names("Bezüge 03/2026", "Freistaat Bayern Landesamt für Finanzen", 2800), "SALARY");
  EXPECT_EQ(label_names("Lohn/Gehalt 03/2026 PersNr 12345", "Rewe Markt GmbH", 2100), "SALARY");
  EXPECT_EQ(label_names("March salary", "ACME Ltd", 4100), "SALARY");
  EXPECT_EQ(label_names("RENTE 02/2024 RV-NR 12 345678 K 123", "Deutsche Rentenversicherung Bund", 1000), "PENSION");
  EXPECT_EQ(label_names("Rente 04/2026", "", 1200), "PENSION");
  EXPECT_EQ(label_names("KG 123FK004711 Kindergeld 03/2026", "Familienkasse Nordrhein-Westfalen", 510), "CHILDBENEFIT");
  EXPECT_EQ(label_names("Zahlung 03/2026", "Bundesagentur für Arbeit - Familienkasse", 255), "CHILDBENEFIT");
  EXPECT_EQ(label_names("ALG I 01/2024 Kd-Nr. 123D456789", "Bundesagentur für Arbeit", 200), "UNEMPLOYMENTBENEFIT");
  EXPECT_EQ(label_names("Bürgergeld 03/2026 BG-Nr. 123//456789", "Jobcenter Berlin Mitte", 563), "UNEMPLOYMENTBENEFIT");
  EXPECT_EQ(label_names("Miete Whg. 2.OG links 03/2026", "Anna Becker", 650), "RENTALINCOME");
  EXPECT_EQ(label_names("Zinsgutschrift 2025", "", 12.34), "CAPITALINCOME");
  EXPECT_EQ(label_names("Überschussbeteiligung Lebensversicherung LV-1234", "Allianz Versicherungs-AG", 15.01),
            "CAPITALINCOME;LIFEINSURANCE");
}

TEST(LabellerExamples, Insurance) {
  EXPECT_EQ(label_names("Beitrag Kfz-Versicherung Vertrag 4711-22", "Allianz Versicherungs-AG", -45.1), "CARINSURANCE");
  EXPECT_EQ(label_names("Kfz-Haftpflicht/Vollkasko Vers.-Nr. 12-34 03/2026", "HUK-COBURG", -61), "CARINSURANCE");
  EXPECT_EQ(label_names("car insurance March", "Admiral", -50), "CARINSURANCE");
  EXPECT_EQ(label_names("Privathaftpflicht Beitrag 2023, Vers.-Nr. 55-123456", "HUK-COBURG", -60), "LIABILITYINSURANCE");
  EXPECT_EQ(label_names("Kombi-Police Hausrat + Haftpflicht, Q3/2023", "DEVK Versicherungen", -95.4),
            "LIABILITYINSURANCE;HOUSEHOLDINSURANCE");
  EXPECT_EQ(label_names("Hausratversicherung Vertrag 12-34 Q1/2026", "DEVK Versicherungen", -30),
            "LIABILITYINSURANCE;HOUSEHOLDINSURANCE");
  EXPECT_EQ(label_names("Hausratversicherung Vertrag 12-34 Q1/2026", "AXA Versicherung AG", -30), "HOUSEHOLDINSURANCE");
  EXPECT_EQ(label_names("Auslandsreisekrankenversicherung Vertrag 1-01 Jahresbeitrag 2026", "HanseMerkur", -19),
            "TRAVELINSURANCE");
  EXPECT_EQ(label_names("Beitrag Krankenversicherung Mitgl.-Nr. 1-23 03/2026", "Techniker Krankenkasse", -110),
            "HEALTHINSURANCE");
  EXPECT_EQ(label_names("Rechtsschutzversicherung Vertrag RS-778899 Beitrag", "AXA Versicherung AG", -150), "LEGALINSURANCE");
  EXPECT_EQ(label_names("BU-Versicherung Beitrag Vertrag 1-2", "Hannoversche Lebensversicherung AG", -80),
            "DISABILITYINSURANCE");
  EXPECT_EQ(label_names("Unfallversicherung UV-4455 Beitrag", "ERGO Versicherung AG", -10), "ACCIDENTINSURANCE");
  EXPECT_EQ(label_names("Risikolebensversicherung Vertrag 5-55", "CosmosDirekt", -20), "LIFEINSURANCE");
  EXPECT_EQ(label_names("Beitrag 2026 Vertrag 998877", "Signal Iduna Versicherung", -70), "INSURANCE");
}

TEST(LabellerExamples, LivingAndLoans) {
  EXPECT_EQ(label_names("Miete Januar 2024 Lindenstr. 7", "Hausverwaltung Schmidt GmbH", -400), "RENT");
  EXPECT_EQ(label_names("rent April flat 3", "Landlord Ltd", -900), "RENT");
  EXPECT_EQ(label_names("Betriebskostenabrechnung 2025 Hauptstr.", "Vonovia SE", 120.5), "RENT");
  EXPECT_EQ(label_names("Abschlag Strom 03/2026 Vertragskonto 1234", "Stadtwerke München GmbH", -85), "ENERGY");
  EXPECT_EQ(label_names("Jahresabrechnung 2025 Vertragskonto 1234", "Stadtwerke Leipzig GmbH", 80), "ENERGY");
  EXPECT_EQ(label_names("Rundfunkbeitrag 01.2026 - 03.2026 Beitragsnr. 123", "ARD ZDF Deutschlandradio Beitragsservice", -55.08),
            "UTILITIES");
  EXPECT_EQ(label_names("Lastschrift 123", "ARD ZDF Deutschlandradio Beitragsservice", -55.08), "UTILITIES");
  EXPECT_EQ(label_names("Mobilfunk Rechnung 03/2026 Kd-Nr. 1", "Vodafone GmbH", -20), "UTILITIES");
  EXPECT_EQ(label_names("Hausgeld 03/2026 Whg. 4", "WEG Lindenstr. 7 Hausverwaltung", -300), "PROPERTYCOSTS");
  EXPECT_EQ(label_names("Abrechnung Sollzinsen 01.01.-31.03.2024", "", -0.01), "OVERDRAFTINTEREST");
  EXPECT_EQ(label_names("Baufinanzierung Darlehen 1234567 Rate 03/2026", "Sparkasse KölnBonn", -1200), "REALESTATELOAN");
  EXPECT_EQ(label_names("Darlehensrate Autokredit 123 Rate 03/2026", "Volkswagen Bank GmbH", -250), "CARLOAN");
  EXPECT_EQ(label_names("Leasingrate Vertrag 1 Rate 03/2026", "Volkswagen Leasing GmbH", -300), "CARLEASING");
  EXPECT_EQ(label_names("Ratenkredit Rate Konto 1 Rate 03/2026", "TARGOBANK AG", -150), "CONSUMERLOAN");
  EXPECT_EQ(label_names("Sparplan iShares Core MSCI World", "Trade Republic Bank GmbH", -100), "SAVINGSPLAN");
  EXPECT_EQ(label_names("Wertpapierkauf Vanguard FTSE All-World Ordernr. 1", "Scalable Capital GmbH", -1000), "SECURITIES");
  EXPECT_EQ(label_names("Kauf BTC Auftrag 123456", "Bitpanda GmbH", -50), "CRYPTO");
}

TEST(LabellerExamples, Lifestyle) {
  EXPECT_EQ(label_names("REWE SAGT DANKE 1234", "REWE Markt GmbH", -55.08), "GROCERIES");
  EXPECT_EQ(label_names("EDEKA CENTER 0815", "EDEKA Center Krause", -30), "GROCERIES");
  EXPECT_EQ(label_names("Restaurant Da Luigi, München", "Restaurant Da Luigi", -35.5), "RESTAURANTS");
  EXPECT_EQ(label_names("Amazon.de Bestellung 305-1234567-7654321", "AMAZON PAYMENTS EUROPE S.C.A.", -40), "SHOPPING");
  EXPECT_EQ(label_names("Netflix Abo 03/2026", "Netflix International B.V.", -13.99), "SUBSCRIPTIONS");
  EXPECT_EQ(label_names("1234567890 PP.1234.PP . Spotify AB, Ihr Einkauf bei Spotify AB", "PayPal Europe S.a.r.l. et Cie S.C.A",
                        -10.99),
            "SUBSCRIPTIONS");
  EXPECT_EQ(label_names("Amazon Prime Mitgliedschaft 03/2026", "Amazon Digital Germany GmbH", -8.99), "SUBSCRIPTIONS");
  EXPECT_EQ(label_names("DB Fahrschein Auftrag 1234", "DB Vertrieb GmbH", -79), "TRAVEL");
  EXPECT_EQ(label_names("CINEMAXX 1234", "CinemaxX", -24), "ENTERTAINMENT");
  EXPECT_EQ(label_names("Lotto24 Spieleinsatz 123456", "Lotto24 AG", -10), "GAMBLING");
  EXPECT_EQ(label_names("Spieleinsatz storniert", "Lotto24 AG", 0), "GAMBLING");
  EXPECT_EQ(label_names("Gewinnauszahlung Tipico Co. Ltd.", "Tipico Co. Ltd.", 50), "GAMBLING");
}

// What the text cannot tell stays unlabelled: the shared tiny example's expected documents rely on it.
TEST(LabellerExamples, TransfersAndFeesStayUnlabelled) {
  EXPECT_EQ(label_names("Umbuchung von Tagesgeld", "Max Mustermann", 50), "");
  EXPECT_EQ(label_names("Umbuchung auf Tagesgeld", "Max Mustermann", -500), "");
  EXPECT_EQ(label_names("Dauerauftrag Sparen Tagesgeld", "Max Mustermann", -100), "");
  EXPECT_EQ(label_names("Kreditkartenabrechnung VISA", "Max Mustermann", -412.3), "");
  EXPECT_EQ(label_names("Kontoführungsentgelt 0,00 EUR", "", 0), "");
  EXPECT_EQ(label_names("Rechnung 2024-117, Reparatur", "Autohaus Schmidt GmbH", -1950), "");
  EXPECT_EQ(label_names("Reparatur Rechnung 2024-118", "Autohaus Schmidt GmbH", -982.6), "");
  EXPECT_EQ(label_names("Rückzahlung Darlehen privat", "Max Mustermann", 500), "");
  EXPECT_EQ(label_names("Tilgung Darlehen 1234567 03/2026", "Max Mustermann", 900), "");
  EXPECT_EQ(label_names("Bargeldauszahlung GA 1234 Köln 14.03.2026", "", -100), "");
  EXPECT_EQ(label_names("EINKOMMENSTEUER 2025 ERSTATTUNG STNR 123/456/00042", "Finanzamt Köln", 812), "");
  EXPECT_EQ(label_names("Sparplanausführung iShares Core MSCI World", "Max Mustermann", 100), "");
  EXPECT_EQ(label_names("Bausparvertrag 1234567 Sparrate 03/2026", "Max Mustermann", 50), "");
  EXPECT_EQ(label_names("TOTAL STATION 1234", "TotalEnergies", -60), "");
  EXPECT_EQ(label_names("Danke fürs Essen", "Anna Müller", -20), "");
  EXPECT_EQ(label_names("Sparen Urlaubskasse Unterkonto", "Max Mustermann", -50), "");
  EXPECT_EQ(label_names("", "", -10), "");
}

// Vocabulary added for issue 13 from public knowledge of German statement text.
TEST(LabellerExamples, GermanRetailAndEmployerVocabulary) {
  EXPECT_EQ(label_names("Entgelt 11/2025 Abrechnung 42", "Muster Werke GmbH", 2400), "SALARY");
  EXPECT_EQ(label_names("Kontoführungsentgelt 11/2025", "", -4.95), "");  // a fee, not a salary
  EXPECT_EQ(label_names("Besoldung 11/2025", "Landesamt für Finanzen", 3100), "SALARY");
  EXPECT_EQ(label_names("Sparplanausführung iShares Core MSCI World", "Musterbank AG", -100), "SAVINGSPLAN");
  EXPECT_EQ(label_names("SumUp *Doener Palast//Hamburg/DE", "SumUp *Doener Palast", -7.5), "RESTAURANTS");
  EXPECT_EQ(label_names("Imbiss Ecke Kartenzahlung", "Imbiss Ecke", -6), "RESTAURANTS");
  EXPECT_EQ(label_names("HORNBACH 123 Girocard", "Hornbach Baumarkt AG", -40), "SHOPPING");
  EXPECT_EQ(label_names("Drogerie Kartenzahlung", "Drogeriemarkt Meyer", -12), "SHOPPING");
  EXPECT_EQ(label_names("Spieleinsatz", "Spielothek Glücksrad", -20), "GAMBLING");
  EXPECT_EQ(label_names("Digitalabo 11/2025", "Rheinische Post Mediengruppe", -9.99), "SUBSCRIPTIONS");
  EXPECT_EQ(label_names("Konzertkarten", "Lukas Koch", -154), "");  // a private payment, not ENTERTAINMENT
}

// The wording added with the cross-validation of the shipped classifier (docs/labeller.md).
TEST(LabellerExamples, PrivateSharesTravelHealthAndCryptoPlans) {
  EXPECT_EQ(label_names("Anteil Pizza", "Jonas Weber", -12.5), "");  // a friend's share, not RESTAURANTS
  EXPECT_EQ(label_names("Rückzahlung Kino", "Marie Braun", 11), "");  // nor ENTERTAINMENT
  EXPECT_EQ(label_names("Travel Health Insurance 2026", "Allianz Partners", -23), "TRAVELINSURANCE");
  EXPECT_EQ(label_names("Auslandskrankenversicherung Jahresbeitrag", "ERGO Reiseversicherung", -12), "TRAVELINSURANCE");
  EXPECT_EQ(label_names("Bitcoin Sparplan 03/2026", "Bitpanda GmbH", -50), "CRYPTO");  // not SAVINGSPLAN too
  EXPECT_EQ(label_names("Sparplan iShares MSCI World 03/2026", "Trade Republic", -50), "SAVINGSPLAN");
  EXPECT_EQ(label_names("RATSKELLER//Bremen/DE", "Ratskeller", -31), "RESTAURANTS");
}

}  // namespace
}  // namespace finseg::test
