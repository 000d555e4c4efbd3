#include "results/job_file.hpp"

#include "core/errors.hpp"
#include "results/results_dir.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace finseg {

namespace {

[[noreturn]] void fail(const std::string& source, const std::string& field, const std::string& problem) {
  throw JobError(source + ": " + field + ": " + problem);
}

std::string shown(const JsonValue& v) {
  std::string s = to_json_text(v);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

const JsonValue& expect(const JsonValue* v, JsonValue::Kind kind, const std::string& source, const std::string& field) {
  if (v->kind != kind)
    fail(source, field, std::string("must be a ") + kind_name(kind) + ", got " +
                            (v->kind == JsonValue::Kind::null ? "null" : kind_name(v->kind) + std::string(" ") + shown(*v)));
  return *v;
}

// A JSON number without a fraction ("3" or "3.0"), within [min, max].
int integer_field(const JsonValue* v, const std::string& source, const std::string& field, int min, int max) {
  expect(v, JsonValue::Kind::number, source, field);
  const std::string& t = v->text;
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  std::size_t i = t[0] == '-' ? 1 : 0;
  const std::size_t digits_begin = i;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
  const std::size_t digits_end = i;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && t[i] == '0') ++i;
  }
  if (i != t.size() || digits_end == digits_begin) fail(source, field, "must be " + range + ", got " + t);
  const std::string digits = t.substr(digits_begin, digits_end - digits_begin);
  if (digits.size() > 6) fail(source, field, "must be " + range + ", got " + t);
  long value = std::stol(digits);
  if (digits_begin == 1) value = -value;
  if (value < min || value > max) fail(source, field, "must be " + range + ", got " + t);
  return static_cast<int>(value);
}

Cents money_field(const JsonValue* v, const std::string& source, const std::string& field) {
  expect(v, JsonValue::Kind::number, source, field);
  const MoneyParse m = parse_money(v->text);
  if (!m.ok()) fail(source, field, std::string("must be a number with at most 2 fraction digits (") + describe(*m.error) + "), got " + v->text);
  return m.value;
}

AccountType account_type_field(const JsonValue* v, const std::string& source, const std::string& field) {
  expect(v, JsonValue::Kind::string, source, field);
  const auto t = parse_account_type(v->text);
  if (!t) {
    std::string all;
    for (auto n : kAccountTypeNames) all += (all.empty() ? "" : ", ") + std::string(n);
    fail(source, field, "unknown account type '" + v->text + "' (one of " + all + ")");
  }
  return *t;
}

std::string url_field(const JsonValue* v, const std::string& source, const std::string& field) {
  expect(v, JsonValue::Kind::string, source, field);
  const std::string& u = v->text;
  std::size_t host_begin = 0;
  if (u.rfind("http://", 0) == 0) host_begin = 7;
  else if (u.rfind("https://", 0) == 0) host_begin = 8;
  else fail(source, field, "must be an absolute http or https URL, got '" + u + "'");
  const std::size_t host_end = u.find_first_of("/?#", host_begin);
  const std::string authority = u.substr(host_begin, host_end == std::string::npos ? std::string::npos : host_end - host_begin);
  const bool bad_char = std::any_of(u.begin(), u.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
  if (authority.empty() || authority.front() == ':' || authority.front() == '@' || bad_char)
    fail(source, field, "must be an absolute http or https URL, got '" + u + "'");
  return u;
}

}  // namespace

SegmentRequest parse_request(Segment segment, const JsonValue& body, const Taxonomy& taxonomy, const std::string& source) {
  if (body.kind != JsonValue::Kind::object)
    fail(source, "request", std::string("must be a JSON object, got ") + kind_name(body.kind));
  SegmentRequest r;
  r.segment = segment;
  std::set<std::string> allowed = {"callbackURL"};
  std::set<std::string> required;
  switch (segment) {
    case Segment::highBalance: allowed.insert({"accountType", "threshold"}); required = {"accountType", "threshold"}; break;
    case Segment::lowBalance: allowed.insert({"threshold", "durationInMonth", "accountType"}); required = {"threshold", "durationInMonth"}; break;
    case Segment::incomeSpendingSummary: allowed.insert({"durationInMonth", "accountType"}); required = {"durationInMonth"}; break;
    case Segment::financialBreakdown: allowed.insert({"durationInMonth", "labelGroups"}); required = {"durationInMonth", "labelGroups"}; break;
    case Segment::insuranceSpending: allowed.insert({"durationInMonth", "expectedInsuranceTypes"}); break;
  }
  const std::string seg(to_string(segment));
  for (const auto& [key, value] : body.members)
    if (!allowed.count(key)) fail(source, "request." + key, "unknown field for " + seg);
  for (const auto& key : required)
    if (!body.find(key)) fail(source, "request." + key, "missing required field for " + seg);

  const int max_months = segment == Segment::financialBreakdown ? 12 : 24;
  for (const auto& [key, value] : body.members) {
    const std::string field = "request." + key;
    if (value.kind == JsonValue::Kind::null) fail(source, field, "null is not a valid value");
    if (key == "accountType") {
      r.account_type = account_type_field(&value, source, field);
    } else if (key == "threshold") {
      r.threshold = money_field(&value, source, field);
    } else if (key == "durationInMonth") {
      r.duration_in_month = integer_field(&value, source, field, 1, max_months);
    } else if (key == "callbackURL") {
      r.callback_url = url_field(&value, source, field);
    } else if (key == "labelGroups") {
      expect(&value, JsonValue::Kind::array, source, field);
      if (value.items.empty()) fail(source, field, "must name at least one label group");
      for (std::size_t i = 0; i < value.items.size(); ++i) {
        const std::string item_field = field + "[" + std::to_string(i) + "]";
        expect(&value.items[i], JsonValue::Kind::string, source, item_field);
        const auto g = taxonomy.group_index(value.items[i].text);
        if (!g) fail(source, item_field, "unknown label group '" + value.items[i].text + "'");
        if (std::find(r.label_groups.begin(), r.label_groups.end(), *g) != r.label_groups.end())
          fail(source, item_field, "duplicate label group '" + value.items[i].text + "'");
        r.label_groups.push_back(*g);
      }
    } else if (key == "expectedInsuranceTypes") {
      expect(&value, JsonValue::Kind::array, source, field);
      const auto insurance = taxonomy.group_index("INSURANCE");
      if (!insurance) fail(source, field, "the label taxonomy has no INSURANCE group");
      std::vector<int> bits;
      for (std::size_t i = 0; i < value.items.size(); ++i) {
        const std::string item_field = field + "[" + std::to_string(i) + "]";
        expect(&value.items[i], JsonValue::Kind::string, source, item_field);
        const auto bit = taxonomy.bit_of(value.items[i].text);
        if (!bit || taxonomy.is_group_bit(*bit) || taxonomy.group_of_bit(*bit) != *insurance)
          fail(source, item_field, "'" + value.items[i].text + "' is not an INSURANCE label");
        if (std::find(bits.begin(), bits.end(), *bit) == bits.end()) bits.push_back(*bit);
      }
      std::sort(bits.begin(), bits.end());  // table order
      r.expected_insurance_types = std::move(bits);
    }
  }
  if (segment == Segment::insuranceSpending && !body.find("durationInMonth")) r.duration_in_month = 12;
  return r;
}

ParsedJob parse_job_text(const std::string& text, const std::string& source, const Taxonomy& taxonomy,
                         std::optional<Day> default_creation, bool date_later) {
  JsonValue doc;
  try {
    doc = parse_json(text);
  } catch (const JsonParseError& e) {
    throw JobError(source + ": " + e.what());
  }
  if (doc.kind != JsonValue::Kind::object) fail(source, "(document)", "a job must be a JSON object");
  for (const auto& [key, value] : doc.members)
    if (key != "segment" && key != "request" && key != "creationDate" && key != "previousJobId") fail(source, key, "unknown field");
  const JsonValue* segment_v = doc.find("segment");
  if (!segment_v) fail(source, "segment", "missing required field");
  expect(segment_v, JsonValue::Kind::string, source, "segment");
  const auto segment = parse_segment(segment_v->text);
  if (!segment)
    fail(source, "segment", "unknown segment '" + segment_v->text +
                                "' (highBalance, lowBalance, incomeSpendingSummary, financialBreakdown, insuranceSpending)");
  const JsonValue* request_v = doc.find("request");
  if (!request_v) fail(source, "request", "missing required field");
  ParsedJob job;
  job.spec.request = parse_request(*segment, *request_v, taxonomy, source);
  job.request_json = to_json_text(*request_v);
  if (const JsonValue* c = doc.find("creationDate")) {
    expect(c, JsonValue::Kind::string, source, "creationDate");
    const auto d = parse_date(c->text);
    if (!d) fail(source, "creationDate", std::string(describe_date_error(c->text)) + ", got '" + c->text + "'");
    job.spec.creation_date = *d;
  } else if (default_creation) {
    job.spec.creation_date = *default_creation;
  } else if (date_later) {
    job.creation_date_later = true;
  } else {
    fail(source, "creationDate", "missing, and the store has no snapshotDate (no accounts) to default to");
  }
  if (const JsonValue* p = doc.find("previousJobId")) {
    expect(p, JsonValue::Kind::string, source, "previousJobId");
    if (!ResultsDir::valid_job_id(p->text)) fail(source, "previousJobId", "'" + p->text + "' is not a jobId (1 to 64 characters of A-Z a-z 0-9 - _)");
    job.previous_job_id = p->text;
  }
  return job;
}

ParsedJob parse_job_file(const std::string& path, const Taxonomy& taxonomy, std::optional<Day> default_creation, bool date_later) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw JobError(path + ": cannot read job file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_job_text(buf.str(), path, taxonomy, default_creation, date_later);
}

}  // namespace finseg
