// SegmentPartial::combine (the one merge path), the result document and JSON escaping.
#include "core/segments/json_text.hpp"
#include "core/segments/month_slots.hpp"
#include "core/segments/user_merge.hpp"

#include "segment_test_support.hpp"

#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <nlohmann/json.hpp>

#include <cstring>
#include <sstream>

namespace finseg::test {
namespace {

TEST(JsonText, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\nd\te\x01\x1f\x7f" "\xc3\xbc", 14));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\u000ad\\u0009e\\u0001\\u001f\x7f\xc3\xbc\"");
  const std::string raw("nul\0end", 7);
  out.clear();
  append_json_string(out, raw);
  EXPECT_EQ(out, "\"nul\\u0000end\"");
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), raw);
}

// append_json_string passes eight bytes at a time over what needs no escape: every byte value
// at every position of strings of 0 to 40 bytes, against a byte-by-byte escape.
TEST(JsonText, EscapesEveryByteAtEveryPositionAsByteByByte) {
  const auto reference = [](std::string_view s) {
    std::string r = "\"";
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        r += '\\';
        r += ch;
      } else if (c < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        r += "\\u00";
        r += kHex[c >> 4];
        r += kHex[c & 0xf];
      } else {
        r += ch;
      }
    }
    return r + "\"";
  };
  for (std::size_t n = 0; n <= 40; ++n) {
    for (std::size_t at = 0; at < std::max<std::size_t>(n, 1); ++at) {
      for (int byte = 0; byte < 256; byte += (n > 20 ? 7 : 1)) {
        std::string s(n, 'a');
        if (n > 0) s[at] = static_cast<char>(byte);
        if (n > 9) s[n - 1 - at % 9] = static_cast<char>(0x80 | byte);  // UTF-8-like bytes around it
        std::string out = "x";
        append_json_string(out, s);
        ASSERT_EQ(out, "x" + reference(s)) << "n=" << n << " at=" << at << " byte=" << byte;
      }
    }
  }
}

TEST(JsonText, UnsignedAndMoney) {
  std::string out;
  append_json_uint(out, 0);
  out += ' ';
  append_json_uint(out, 18446744073709551615ULL);
  out += ' ';
  append_json_money(out, -1);
  out += ' ';
  append_json_money(out, -0);
  EXPECT_EQ(out, "0 18446744073709551615 -0.01 0.00");
}

TEST(JsonText, MoneyMatchesAppendMoney) {
  std::vector<Cents> values{0, 1, -1, 9, 10, 99, 100, 101, -100, 999, 1000, 12345, -12345, 100000000,
                            std::numeric_limits<Cents>::max(), std::numeric_limits<Cents>::min()};
  for (Cents v = 1; v < std::numeric_limits<Cents>::max() / 7; v *= 7) {
    values.push_back(v);
    values.push_back(-v - 3);
  }
  for (const Cents v : values) {
    std::string fast;
    append_json_money(fast, v);
    EXPECT_EQ(fast, format_money(v)) << v;
  }
}

// The pointer writers count the digits before writing: every width of an integer, and the bounds
// the callers reserve (JsonRoom) are never passed, whatever the value.
TEST(JsonText, WritersKeepToTheirBoundsAtEveryWidth) {
  std::vector<std::uint64_t> values{0, std::numeric_limits<std::uint64_t>::max()};
  for (std::uint64_t p = 1; p <= std::numeric_limits<std::uint64_t>::max() / 10; p *= 10) {
    values.push_back(p - 1);
    values.push_back(p);
    values.push_back(p + 1);
    values.push_back(p * 10 - 1);
  }
  for (const std::uint64_t v : values) {
    char buf[kMaxJsonUint + 1];
    std::memset(buf, '#', sizeof buf);
    char* end = write_json_uint(buf, v);
    EXPECT_EQ(std::string(buf, end), std::to_string(v));
    EXPECT_EQ(buf[kMaxJsonUint], '#');
    for (const Cents c : {static_cast<Cents>(v), -static_cast<Cents>(v), std::numeric_limits<Cents>::min()}) {
      char mbuf[kMaxJsonMoney + 1];
      std::memset(mbuf, '#', sizeof mbuf);
      char* mend = write_json_money(mbuf, c);
      EXPECT_EQ(std::string(mbuf, mend), format_money(c)) << c;
      EXPECT_EQ(mbuf[kMaxJsonMoney], '#');
    }
  }
  std::string out = "kept";
  append_json_uint(out, 42);
  append_json_money(out, -5);
  append_json_string(out, "a\"\x01");
  EXPECT_EQ(out, "kept42-0.05\"a\\\"\\u0001\"");
  EXPECT_EQ(out.size(), 4 + 2 + 5 + 11);  // the rooms are cut to what was written
}

TEST(Request, SegmentNamesRoundTrip) {
  for (const Segment s : {Segment::highBalance, Segment::lowBalance, Segment::incomeSpendingSummary,
                          Segment::financialBreakdown, Segment::insuranceSpending})
    EXPECT_EQ(parse_segment(to_string(s)), s);
  EXPECT_FALSE(parse_segment("HighBalance"));
  EXPECT_FALSE(parse_segment(""));
}

TEST(MonthSlots, WindowAndSlots) {
  const MonthSlots w(day("2026-03-25"), 3);  // SEGMENTS.md 2's example
  EXPECT_EQ(w.first_day(), day("2025-12-01"));
  EXPECT_EQ(w.last_day(), day("2026-02-28"));
  EXPECT_EQ(w.slot(day("2025-12-31")), 0);
  EXPECT_EQ(w.slot(day("2026-01-01")), 1);
  EXPECT_EQ(w.slot(day("2026-02-28")), 2);
  EXPECT_EQ(format_month(w.month(2)), "2026-02");
  const MonthSlots leap(day("2024-03-01"), 1);
  EXPECT_EQ(leap.last_day(), day("2024-02-29"));
}

SegmentPartial partial(std::vector<std::string> ids) {
  SegmentPartial p;
  for (const auto& id : ids) p.append_user(id, "{\"userId\":\"" + id + "\",\"accounts\":[]}");
  p.entries = ids.size();
  p.transactions_scanned = 10 * ids.size();
  return p;
}

TEST(SegmentPartial, CombineInAnyOrderGivesTheSameDocument) {
  // Interleaved users, as a reduction tree may meet them.
  const std::vector<std::vector<std::string>> parts{{"a", "d"}, {"B", "c"}, {"b", "e", "z"}, {}};
  JobSpec job;
  job.request.segment = Segment::lowBalance;
  job.request.duration_in_month = 3;
  job.creation_date = day("2024-04-10");
  std::vector<int> order{0, 1, 2, 3};
  std::string reference;
  do {
    SegmentPartial all;
    for (const int i : order) all.combine(partial(parts[static_cast<std::size_t>(i)]));
    EXPECT_EQ(all.user_ids, (std::vector<std::string>{"B", "a", "b", "c", "d", "e", "z"}));
    EXPECT_EQ(all.entries, 7u);
    EXPECT_EQ(all.transactions_scanned, 70u);
    const std::string doc = render_document(job, all);
    if (reference.empty()) reference = doc;
    EXPECT_EQ(doc, reference);
  } while (std::next_permutation(order.begin(), order.end()));
  // A tree: (p0 + p1) + (p2 + p3).
  SegmentPartial left = partial(parts[1]);
  left.combine(partial(parts[0]));
  SegmentPartial right = partial(parts[3]);
  right.combine(partial(parts[2]));
  right.combine(std::move(left));
  EXPECT_EQ(render_document(job, right), reference);
  EXPECT_EQ(reference.rfind("{\"durationInMonth\":3,\"creationDate\":\"2024-04-10\",\"users\":[\n{\"userId\":\"B\"", 0), 0u);
  EXPECT_TRUE(nlohmann::json::accept(reference));
}

TEST(SegmentPartial, UserInTwoPartialsIsALogicError) {
  SegmentPartial a = partial({"a", "m"});
  EXPECT_THROW(a.combine(partial({"b", "m"})), std::logic_error);
  SegmentPartial c = partial({"x"});
  EXPECT_THROW(c.append_user("w", "{}"), std::logic_error);
}

// The users' objects live end to end in one buffer: each is viewed whole, a combine keeps them
// whole, and a partial whose ends do not match its text is refused before anything is written.
TEST(SegmentPartial, ObjectsEndToEndInOneBuffer) {
  SegmentPartial p;
  p.append_user("a", "{\"userId\":\"a\"}");
  p.append_user("b", "");
  p.append_user("c", "{\"userId\":\"c\",\"x\":[1,2]}");
  ASSERT_EQ(p.users(), 3u);
  EXPECT_EQ(p.user_json(0), "{\"userId\":\"a\"}");
  EXPECT_EQ(p.user_json(1), "");
  EXPECT_EQ(p.user_json(2), "{\"userId\":\"c\",\"x\":[1,2]}");
  EXPECT_EQ(p.json_text.size(), p.json_end.back());
  SegmentPartial q;
  q.append_user("b0", "{B0}");
  p.combine(std::move(q));
  ASSERT_EQ(p.users(), 4u);
  EXPECT_EQ(p.user_json(1), "");
  EXPECT_EQ(p.user_json(2), "{B0}");
  EXPECT_EQ(p.user_json(3), "{\"userId\":\"c\",\"x\":[1,2]}");
  SegmentPartial broken = p;
  broken.json_text += "x";
  EXPECT_THROW(source_of(broken), std::logic_error);
  broken = p;
  broken.json_end.pop_back();
  EXPECT_THROW(source_of(broken), std::logic_error);
}

TEST(SegmentPartial, CerealRoundTrip) {
  const SegmentPartial p = partial({"u\"1", "u2"});
  std::stringstream bytes;
  {
    cereal::BinaryOutputArchive out(bytes);
    SegmentPartial copy = p;
    out(copy);
  }
  SegmentPartial back;
  {
    cereal::BinaryInputArchive in(bytes);
    in(back);
  }
  EXPECT_EQ(back, p);
}

TEST(Document, EmptyAndDurations) {
  JobSpec job;
  job.request.segment = Segment::highBalance;
  job.creation_date = day("2024-02-29");
  EXPECT_EQ(render_document(job, {}), "{\"durationInMonth\":0,\"creationDate\":\"2024-02-29\",\"users\":[]}\n");
  job.request.segment = Segment::insuranceSpending;
  EXPECT_EQ(render_document(job, {}), "{\"durationInMonth\":12,\"creationDate\":\"2024-02-29\",\"users\":[]}\n");
}

TEST(Document, EscapedIdsInAResult) {
  const std::string user = "us\"er\\\x01\xc3\xa4";
  const std::string account = "acc\n\"1\"";
  const auto shards = build_shards({{account, user, AccountType::checking, "1.50", "2024-04-10"}}, {});
  JobSpec job;
  job.request.segment = Segment::highBalance;
  job.request.account_type = AccountType::checking;
  job.request.threshold = cents("1.49");
  job.creation_date = day("2024-04-10");
  const nlohmann::json doc = nlohmann::json::parse(run_document(job, shards));
  EXPECT_EQ(doc["users"][0]["userId"].get<std::string>(), user);
  EXPECT_EQ(doc["users"][0]["accounts"][0]["accountId"].get<std::string>(), account);
  EXPECT_EQ(doc["users"][0]["accounts"][0]["amount"].get<double>(), 1.5);
}

TEST(Kernels, RequiredColumns) {
  SegmentRequest r;
  r.segment = Segment::insuranceSpending;
  EXPECT_EQ(required_columns(r), kUserIds | kAccountIds | kBookingDate | kAmount | kLabels | kCounterpartNameIds);
  r.segment = Segment::lowBalance;
  EXPECT_EQ(required_columns(r) & kLabels, 0u);
  EXPECT_NE(required_columns(r) & kAccountMeta, 0u);
}

}  // namespace
}  // namespace finseg::test
