// Text catalogues of the demo bank: people, places, employers, landlords, utilities, insurers,
// lenders and merchants, written the way they appear on German bank statements. Pure data.
#pragma once

#include <array>
#include <string_view>

namespace finseg::gen::catalog {

using sv = std::string_view;

inline constexpr std::array<sv, 32> kFirstNames = {
    "Max", "Anna", "Lukas", "Sophie", "Jonas", "Marie", "Leon", "Laura", "Felix", "Julia", "Paul", "Lea",
    "Thomas", "Sabine", "Michael", "Petra", "Andreas", "Claudia", "Stefan", "Katrin", "Jürgen", "Monika",
    "Mehmet", "Ayşe", "Dieter", "Ursula", "Tim", "Hannah", "Sven", "Birgit", "Emre", "Zoé"};
inline constexpr std::array<sv, 32> kLastNames = {
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann",
    "Yilmaz", "Kowalski"};
inline constexpr std::array<sv, 16> kCities = {
    "Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Düsseldorf", "Leipzig",
    "Dortmund", "Essen", "Bremen", "Dresden", "Hannover", "Nürnberg", "Freiburg", "Kiel"};
inline constexpr std::array<sv, 16> kStreets = {
    "Lindenstr.", "Hauptstr.", "Bahnhofstr.", "Goethestr.", "Schillerstr.", "Gartenstr.", "Birkenweg",
    "Am Markt", "Kirchweg", "Mozartstr.", "Bergstr.", "Ringstr.", "Waldweg", "Friedrichstr.", "Rosenweg",
    "Parkallee"};

inline constexpr std::array<sv, 24> kEmployers = {
    "Siemens AG", "Robert Bosch GmbH", "Deutsche Post AG", "Bäckerei Krause e.K.", "Stadt Köln",
    "Muster GmbH", "BASF SE", "SAP SE", "Universitätsklinikum Heidelberg", "Lidl Dienstleistung GmbH & Co. KG",
    "Kita Sonnenschein e.V.", "Freistaat Bayern Landesamt für Finanzen", "Volkswagen AG", "Deutsche Bahn AG",
    "Autohaus Schmidt GmbH", "Pflegedienst Lebenswert GmbH", "Zalando SE", "Allianz Technology SE",
    "Elektro Wagner GmbH", "Hotel Adler KG", "Continental AG", "Rewe Markt GmbH", "Helios Kliniken GmbH",
    "Dachdeckerei Hartmann GmbH"};
inline constexpr std::array<sv, 4> kSalaryTexts = {"LOHN / GEHALT ", "GEHALT ", "Lohn/Gehalt ", "Bezüge "};

inline constexpr std::array<sv, 10> kLandlords = {
    "Vonovia SE", "LEG Wohnen NRW GmbH", "Deutsche Wohnen SE", "Hausverwaltung Schmidt GmbH", "GEWOBAG",
    "Wohnungsbaugenossenschaft Freie Scholle eG", "Helga Brandt", "Immobilien Becker GbR", "SAGA Unternehmensgruppe",
    "ABG Frankfurt Holding"};

inline constexpr std::array<sv, 8> kEnergy = {
    "Stadtwerke München GmbH", "E.ON Energie Deutschland GmbH", "Vattenfall Europe Sales GmbH",
    "EnBW Energie Baden-Württemberg AG", "Stadtwerke Leipzig GmbH", "RheinEnergie AG", "Octopus Energy Germany GmbH",
    "Mainova AG"};
inline constexpr std::array<sv, 4> kTelecom = {
    "Telekom Deutschland GmbH", "Vodafone GmbH", "Telefonica Germany GmbH & Co. OHG", "1&1 Telecom GmbH"};
inline constexpr sv kRundfunk = "ARD ZDF Deutschlandradio Beitragsservice";

struct Insurer {
  sv name;
  std::array<bool, 9> sells;  // by InsuranceKind
};
// Kinds, in taxonomy order: health, car, life, liability, household, legal, disability, travel, accident.
inline constexpr std::array<Insurer, 18> kInsurers = {{
    {"Allianz Versicherungs-AG", {true, true, true, true, true, true, true, true, true}},
    {"HUK-COBURG", {false, true, false, true, true, true, false, false, true}},
    {"AXA Versicherung AG", {true, true, true, true, true, true, true, true, true}},
    {"ERGO Versicherung AG", {true, false, true, true, true, true, true, true, true}},
    {"DEVK Versicherungen", {false, true, true, true, true, true, false, false, true}},
    {"Generali Deutschland AG", {false, true, true, true, true, false, true, false, true}},
    {"R+V Versicherung AG", {false, true, true, true, true, true, true, false, true}},
    {"Debeka Krankenversicherungsverein a.G.", {true, false, true, false, false, false, true, false, false}},
    {"Techniker Krankenkasse", {true, false, false, false, false, false, false, false, false}},
    {"AOK Bayern", {true, false, false, false, false, false, false, false, false}},
    {"BARMER", {true, false, false, false, false, false, false, false, false}},
    {"ADAC Versicherung AG", {false, true, false, false, false, true, false, true, true}},
    {"HanseMerkur Versicherungsgruppe", {true, false, false, false, false, false, false, true, false}},
    {"ARAG SE", {false, false, false, true, false, true, false, false, false}},
    {"CosmosDirekt", {false, true, true, true, true, false, true, false, false}},
    {"Hannoversche Lebensversicherung AG", {false, false, true, false, false, false, true, false, false}},
    {"Signal Iduna", {true, false, true, true, true, false, true, false, true}},
    {"WGV Versicherung", {false, true, false, true, true, false, false, false, false}},
}};
// Purpose stems per kind; the contract number and the period follow.
inline constexpr std::array<std::array<sv, 2>, 9> kInsurancePurposes = {{
    {"Beitrag Krankenversicherung Mitgl.-Nr. ", "Zahnzusatzversicherung Beitrag Vers.-Nr. "},
    {"Beitrag Kfz-Versicherung Vertrag ", "Kfz-Haftpflicht/Vollkasko Vers.-Nr. "},
    {"Lebensversicherung Beitrag LV-", "Risikolebensversicherung Vertrag "},
    {"Privathaftpflicht Beitrag Vers.-Nr. ", "Haftpflichtversicherung Vertrag "},
    {"Hausratversicherung Vertrag ", "Hausrat Beitrag Police "},
    {"Rechtsschutzversicherung Vertrag RS-", "Rechtsschutz Beitrag Vers.-Nr. "},
    {"Berufsunfähigkeitsversicherung BU-", "BU-Versicherung Beitrag Vertrag "},
    {"Jahres-Reiseversicherung Police ", "Auslandsreisekrankenversicherung Vertrag "},
    {"Unfallversicherung UV-", "Unfallversicherung Beitrag Vertrag "},
}};

struct Lender {
  sv name;
  sv purpose;  // the contract number and month follow
};
inline constexpr std::array<Lender, 3> kCarLoans = {{{"Santander Consumer Bank AG", "Finanzierung Kfz Vertrag "},
                                                     {"Volkswagen Bank GmbH", "Darlehensrate Autokredit "},
                                                     {"Bank11 für Privatkunden und Handel GmbH", "Kfz-Finanzierung Rate Vertrag "}}};
inline constexpr std::array<Lender, 3> kLeasing = {{{"Volkswagen Leasing GmbH", "Leasingrate Vertrag "},
                                                    {"ALD AutoLeasing D GmbH", "Leasing Rate Fahrzeug Vertrag "},
                                                    {"BMW Bank GmbH", "Leasingrate BMW Vertrag "}}};
inline constexpr std::array<Lender, 4> kConsumerLoans = {{{"TARGOBANK AG", "Ratenkredit Rate Konto "},
                                                         {"SKG BANK", "Rate Privatkredit "},
                                                         {"auxmoney GmbH", "Kreditrate Projekt "},
                                                         {"Klarna Bank AB", "Ratenkauf Rate "}}};
inline constexpr std::array<Lender, 4> kMortgages = {{{"Sparkasse KölnBonn", "Baufinanzierung Darlehen "},
                                                     {"DSL Bank", "Zins und Tilgung Darlehen "},
                                                     {"ING-DiBa AG", "Baufinanzierung Rate Darlehen "},
                                                     {"Deutsche Bank AG", "Immobiliendarlehen Rate "}}};

// A card merchant: counterpart name and the purpose stem before the terminal/store number.
struct Merchant {
  sv name;
  sv purpose;
};
inline constexpr std::array<Merchant, 9> kGroceries = {{
    {"REWE Markt GmbH", "REWE SAGT DANKE "}, {"EDEKA Center", "EDEKA CENTER "}, {"ALDI SÜD", "ALDI SUED SAGT DANKE "},
    {"ALDI Nord", "ALDI GmbH + Co. KG "}, {"LIDL", "LIDL DIENSTL "}, {"Netto Marken-Discount", "NETTO MARKEN-DISCOUNT "},
    {"Kaufland", "Kaufland Filiale "}, {"PENNY", "PENNY SAGT DANKE "}, {"Bäckerei Kamps", "Kamps Backstube "}}};
inline constexpr std::array<Merchant, 9> kRestaurants = {{
    {"McDonald's", "MCDONALDS "}, {"Burger King", "BURGER KING "}, {"Vapiano", "VAPIANO "},
    {"Restaurant Da Luigi", "Restaurant Da Luigi "}, {"Lieferando.de", "Lieferando Bestellung "},
    {"Starbucks", "STARBUCKS COFFEE "}, {"L'Osteria", "L OSTERIA "}, {"Block House", "BLOCK HOUSE "},
    {"Café Extrablatt", "Cafe Extrablatt "}}};
inline constexpr std::array<Merchant, 10> kShopping = {{
    {"AMAZON PAYMENTS EUROPE S.C.A.", "Amazon.de Bestellung 305-"}, {"Zalando Payments GmbH", "Zalando Bestellung "},
    {"MediaMarkt", "MEDIA MARKT "}, {"Saturn", "SATURN ELECTRO "}, {"IKEA Deutschland", "IKEA "},
    {"H&M", "H+M "}, {"dm-drogerie markt", "DM-DROGERIE "}, {"Rossmann", "ROSSMANN FIL "},
    {"Otto GmbH", "OTTO Bestellung "}, {"Thalia", "THALIA BUCHHANDLUNG "}}};
inline constexpr std::array<Merchant, 8> kTravel = {{
    {"DB Vertrieb GmbH", "DB Fahrschein Auftrag "}, {"Deutsche Lufthansa AG", "LUFTHANSA Ticket 220"},
    {"Ryanair", "RYANAIR Buchung "}, {"Eurowings", "EUROWINGS Buchung "}, {"Booking.com", "Booking.com Hotel "},
    {"Airbnb", "AIRBNB Reservierung "}, {"FlixBus", "FLIXBUS Ticket "}, {"TUI Deutschland GmbH", "TUI Reise Buchung "}}};
inline constexpr std::array<Merchant, 7> kEntertainment = {{
    {"CinemaxX", "CINEMAXX "}, {"UCI Kinowelt", "UCI KINOWELT "}, {"CTS Eventim", "EVENTIM Tickets "},
    {"Steam Games", "STEAM PURCHASE "}, {"PlayStation Network", "PLAYSTATION NETWORK "},
    {"Europa-Park", "EUROPA-PARK RUST "}, {"Nintendo eShop", "NINTENDO ESHOP "}}};
inline constexpr std::array<Merchant, 4> kFuel = {{
    {"ARAL", "ARAL STATION "}, {"Shell Deutschland", "SHELL "}, {"JET Tankstelle", "JET "}, {"TotalEnergies", "TOTAL STATION "}}};
inline constexpr std::array<Merchant, 4> kGambling = {{
    {"Lotto24 AG", "Lotto24 Spieleinsatz "}, {"Tipico Co. Ltd.", "Tipico Einzahlung Spielkonto "},
    {"bwin", "BWIN Einzahlung "}, {"Lottoland", "Lottoland Tipp "}}};

struct Subscription {
  sv name;
  sv purpose;
  long cents;
};
inline constexpr std::array<Subscription, 11> kSubscriptions = {{
    {"Netflix International B.V.", "Netflix Abo ", 1399}, {"Spotify AB", "Spotify Premium ", 1099},
    {"Disney Plus", "Disney+ Abo ", 999}, {"DAZN Limited", "DAZN Abo ", 3499},
    {"Amazon Digital Germany GmbH", "Amazon Prime Mitgliedschaft ", 899},
    {"Apple Services", "APPLE.COM/BILL iCloud ", 299}, {"Google Ireland Ltd.", "YouTube Premium ", 1299},
    {"Audible GmbH", "Audible Abo ", 995}, {"McFit GmbH", "McFit Mitgliedsbeitrag ", 2990},
    {"Urban Sports Club GmbH", "Urban Sports Club Mitgliedschaft ", 5900},
    {"Zeitverlag Gerd Bucerius", "DIE ZEIT Digitalabo ", 2260}}};

inline constexpr std::array<sv, 3> kBrokers = {"Trade Republic Bank GmbH", "Scalable Capital GmbH", "comdirect bank AG"};
inline constexpr std::array<sv, 3> kEtfs = {"iShares Core MSCI World ISIN IE00B4L5Y983", "Vanguard FTSE All-World ISIN IE00BK5BQT80",
                                            "Xtrackers MSCI Emerging Markets ISIN IE00BTJRMP35"};
inline constexpr std::array<sv, 2> kCrypto = {"Bitpanda GmbH", "Coinbase Germany GmbH"};
inline constexpr std::array<sv, 3> kBausparkassen = {"Bausparkasse Schwäbisch Hall AG", "LBS Westdeutsche Landesbausparkasse",
                                                     "Wüstenrot Bausparkasse AG"};

}  // namespace finseg::gen::catalog
