#include "store/store_manifest.hpp"

#include "core/errors.hpp"
#include "core/text_limits.hpp"
#include "store/store_files.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

namespace finseg {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kFormat = "finseg-store";
constexpr const char* kManifestFile = "manifest.json";

ordered_json date_or_null(const std::optional<Day>& d) { return d ? ordered_json(format_date(*d)) : ordered_json(nullptr); }

class ManifestParser {
 public:
  explicit ManifestParser(std::string subject) : subject_(std::move(subject)) {}

  [[noreturn]] void bad(const std::string& where, const std::string& why) const {
    throw StoreError(subject_ + ": " + (where.empty() ? why : where + ": " + why));
  }

  const json& member(const json& object, const char* key, const std::string& where) const {
    const auto it = object.find(key);
    if (it == object.end()) bad(where, std::string("missing \"") + key + "\"");
    return *it;
  }
  static std::string path(const std::string& where, const char* key) {
    return where.empty() ? key : where + "." + key;
  }
  std::string string(const json& object, const char* key, const std::string& where) const {
    const json& v = member(object, key, where);
    if (!v.is_string()) bad(path(where, key), "expected a string");
    return v.get<std::string>();
  }
  std::uint64_t count(const json& object, const char* key, const std::string& where) const {
    const json& v = member(object, key, where);
    if (!v.is_number_unsigned()) bad(path(where, key), "expected a non-negative integer");
    return v.get<std::uint64_t>();
  }
  std::optional<Day> date(const json& object, const char* key, const std::string& where) const {
    const json& v = member(object, key, where);
    if (v.is_null()) return std::nullopt;
    if (!v.is_string()) bad(path(where, key), "expected a YYYY-MM-DD string or null");
    const auto text = v.get<std::string>();
    const auto d = parse_date(text);
    if (!d) bad(path(where, key), "'" + text + "': " + describe_date_error(text));
    return d;
  }
  std::vector<std::string> strings(const json& v, const std::string& where) const {
    if (!v.is_array()) bad(where, "expected an array of strings");
    std::vector<std::string> out;
    for (const auto& item : v) {
      if (!item.is_string()) bad(where, "expected an array of strings");
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  StoreManifest parse(std::string_view text) const {
    json root;
    try {
      if (const auto deep = json_depth_error(text)) bad("", "not valid JSON: " + *deep);
      root = json::parse(text);
    } catch (const json::exception& e) {
      bad("", std::string("not valid JSON: ") + e.what());
    }
    if (!root.is_object()) bad("", "expected a JSON object");
    if (const auto format = string(root, "format", ""); format != kFormat)
      bad("format", "'" + format + "' is not \"" + kFormat + "\"");
    const json& version = member(root, "formatVersion", "");
    if (!version.is_number_integer()) bad("formatVersion", "expected an integer");
    if (version.get<std::int64_t>() != kStoreFormatVersion)
      bad("formatVersion", std::to_string(version.get<std::int64_t>()) + " is not supported (this finseg reads " +
                               std::to_string(kStoreFormatVersion) + ")");
    StoreManifest m;
    m.format_version = kStoreFormatVersion;
    m.snapshot_date = date(root, "snapshotDate", "");
    m.created_by = string(root, "createdBy", "");

    const json& groups = member(root, "labelGroups", "");
    if (!groups.is_array()) bad("labelGroups", "expected an array");
    for (std::size_t i = 0; i < groups.size(); ++i) {
      const std::string where = "labelGroups[" + std::to_string(i) + "]";
      if (!groups[i].is_object()) bad(where, "expected an object");
      m.label_groups.push_back({string(groups[i], "group", where), strings(member(groups[i], "labels", where), where + ".labels")});
    }
    m.labels = strings(member(root, "labels", ""), "labels");
    if (!m.label_groups.empty()) {
      try {
        const Taxonomy taxonomy(m.label_groups);
        if (taxonomy.names() != m.labels) bad("labels", "not the names of labelGroups in order");
      } catch (const InputError& e) {
        bad("labelGroups", e.what());
      }
    }

    const json& shards = member(root, "shards", "");
    if (!shards.is_array()) bad("shards", "expected an array");
    std::set<std::string> files;
    for (std::size_t i = 0; i < shards.size(); ++i) {
      const std::string where = "shards[" + std::to_string(i) + "]";
      const json& s = shards[i];
      if (!s.is_object()) bad(where, "expected an object");
      ShardInfo info;
      info.file = string(s, "file", where);
      if (const auto problem = shard_file_name_problem(info.file); !problem.empty()) bad(where + ".file", problem);
      if (!files.insert(info.file).second) bad(where + ".file", "'" + info.file + "' is listed twice");
      info.users = count(s, "users", where);
      info.accounts = count(s, "accounts", where);
      info.transactions = count(s, "transactions", where);
      info.bytes = count(s, "bytes", where);
      info.checksum = string(s, "checksum", where);
      if (info.checksum.size() != 14 || info.checksum.rfind("crc32:", 0) != 0 ||
          info.checksum.find_first_not_of("0123456789abcdef", 6) != std::string::npos)
        bad(where + ".checksum", "'" + info.checksum + "' is not crc32:xxxxxxxx");
      info.first_booking = date(s, "firstBooking", where);
      info.last_booking = date(s, "lastBooking", where);
      info.latest_balance_date = date(s, "latestBalanceDate", where);
      m.shards.push_back(std::move(info));
    }

    const json& totals = member(root, "totals", "");
    if (!totals.is_object()) bad("totals", "expected an object");
    if (count(totals, "users", "totals") != m.users() || count(totals, "accounts", "totals") != m.accounts() ||
        count(totals, "transactions", "totals") != m.transactions())
      bad("totals", "do not match the sum over the shards");
    std::optional<Day> latest;
    for (const auto& s : m.shards)
      if (s.latest_balance_date) latest = latest ? std::max(*latest, *s.latest_balance_date) : *s.latest_balance_date;
    if (latest != m.snapshot_date) bad("snapshotDate", "is not the latest balance date of the shards");
    return m;
  }

 private:
  std::string subject_;
};

}  // namespace

std::uint64_t StoreManifest::users() const {
  std::uint64_t n = 0;
  for (const auto& s : shards) n += s.users;
  return n;
}
std::uint64_t StoreManifest::accounts() const {
  std::uint64_t n = 0;
  for (const auto& s : shards) n += s.accounts;
  return n;
}
std::uint64_t StoreManifest::transactions() const {
  std::uint64_t n = 0;
  for (const auto& s : shards) n += s.transactions;
  return n;
}

// CRC-32 of the shard checksums in manifest order, each followed by '\n'
// ("crc32:1234abcd\ncrc32:...\n"): two stores have the same store checksum exactly when they
// hold byte-identical shards in the same order.
std::string StoreManifest::store_checksum() const {
  std::string text;
  for (const auto& s : shards) text += s.checksum + "\n";
  return crc32_text(crc32_of(text));
}

std::string manifest_to_json(const StoreManifest& m) {
  ordered_json root;
  root["format"] = kFormat;
  root["formatVersion"] = m.format_version;
  root["snapshotDate"] = date_or_null(m.snapshot_date);
  root["createdBy"] = m.created_by;
  ordered_json groups = ordered_json::array();
  for (const auto& g : m.label_groups) {
    ordered_json entry;
    entry["group"] = g.name;
    entry["labels"] = g.labels;
    groups.push_back(std::move(entry));
  }
  root["labelGroups"] = std::move(groups);
  root["labels"] = m.labels;
  root["totals"] = {{"users", m.users()}, {"accounts", m.accounts()}, {"transactions", m.transactions()}};
  ordered_json shards = ordered_json::array();
  for (const auto& s : m.shards) {
    ordered_json e;
    e["file"] = s.file;
    e["users"] = s.users;
    e["accounts"] = s.accounts;
    e["transactions"] = s.transactions;
    e["bytes"] = s.bytes;
    e["checksum"] = s.checksum;
    e["firstBooking"] = date_or_null(s.first_booking);
    e["lastBooking"] = date_or_null(s.last_booking);
    e["latestBalanceDate"] = date_or_null(s.latest_balance_date);
    shards.push_back(std::move(e));
  }
  root["shards"] = std::move(shards);
  return root.dump(2) + "\n";
}

StoreManifest parse_manifest(std::string_view text, const std::string& subject) {
  return ManifestParser(subject).parse(text);
}

StoreManifest read_manifest(const std::filesystem::path& store) {
  const std::string subject = "store " + store.string();
  std::error_code ec;
  if (!std::filesystem::is_directory(store, ec)) throw StoreError(subject + ": no such folder");
  const auto file = store / kManifestFile;
  if (!std::filesystem::exists(file, ec))
    throw StoreError(subject + ": manifest.json missing (not a finseg store, or an unfinished one)");
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) throw StoreError(subject + ": cannot read manifest.json");
  return parse_manifest(text.str(), subject + ": manifest.json");
}

}  // namespace finseg
