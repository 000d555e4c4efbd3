// Splitting a result document over ranks by bytes: every user is read by exactly one part, for
// any number of parts, and the figures merged from the parts equal those of one pass.
#include "core/errors.hpp"
#include "io/atomic_file.hpp"
#include "parallel/wire.hpp"
#include "results/results_reader.hpp"
#include "report/job_figures.hpp"

#include "report_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

namespace finseg {
namespace {

// "u007": userIds in the order of their bytes, as every finseg document has them (SEGMENTS.md 2).
std::string user_id(int u) {
  char id[16];
  std::snprintf(id, sizeof id, "u%03d", u);
  return id;
}

// A lowBalance document as finseg writes it (one user per line, sorted), users of uneven sizes.
std::string document(int users) {
  std::string doc = "{\"durationInMonth\":3,\"creationDate\":\"2026-10-01\",\"users\":[";
  for (int u = 0; u < users; ++u) {
    doc += u == 0 ? "\n" : ",\n";
    doc += "{\"userId\":\"" + user_id(u) + "\",\"accounts\":[";
    for (int a = 0; a <= u % 4; ++a)
      doc += std::string(a ? "," : "") + "{\"accountId\":\"a" + std::to_string(u) + "-" + std::to_string(a) + "\",\"amount\":-" +
             std::to_string(100 + u * 7 + a) + "." + std::to_string(10 + a) + "}";
    doc += "]}";
  }
  return doc + (users ? "\n]}\n" : "]}\n");
}

TEST(DocumentScan, EveryUserOnceForAnyNumberOfParts) {
  for (const int users : {0, 1, 2, 5, 50}) {
    const TempDoc doc(document(users));
    const DocumentHead head = read_document_head(doc.path);
    EXPECT_EQ(head.duration_in_month, 3);
    EXPECT_EQ(head.creation_date, "2026-10-01");
    JobFigures whole(Segment::lowBalance, {}, {});
    scan_users(doc.path, head, 0, ~0ull, [&](const JsonValue& u, const std::string& w) { whole.add_user(u, w); });
    EXPECT_EQ(whole.users(), static_cast<std::uint64_t>(users));
    for (const int parts : {1, 2, 3, 4, 7, 64}) {
      std::multiset<std::string> seen;
      JobFigures merged(Segment::lowBalance, {}, {});
      for (int p = 0; p < parts; ++p) {
        const auto [begin, end] = user_bytes_of_part(head, p, parts);
        JobFigures part(Segment::lowBalance, {}, {});
        scan_users(doc.path, head, begin, end, [&](const JsonValue& u, const std::string& w) {
          seen.insert(u.find("userId")->text);
          part.add_user(u, w);
        });
        merged.combine(part);
      }
      EXPECT_EQ(seen.size(), static_cast<std::size_t>(users)) << parts << " parts";
      EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size()) << parts << " parts: a user read twice";
      EXPECT_EQ(to_bytes(merged), to_bytes(whole)) << users << " users, " << parts << " parts";
    }
  }
}

TEST(DocumentScan, TruncatedOrForeignDocumentsAreNamedErrors) {
  const std::string full = document(5);
  const TempDoc truncated(full.substr(0, full.size() - 40));
  EXPECT_THROW(read_document_head(truncated.path), DocumentError);
  const TempDoc pretty("{\n  \"durationInMonth\": 3,\n  \"users\": []\n}\n");
  try {
    read_document_head(pretty.path);
    FAIL() << "a pretty-printed document was accepted";
  } catch (const DocumentError& e) {
    EXPECT_NE(std::string(e.what()).find(pretty.path.string()), std::string::npos) << e.what();
  }
  std::string bad_amount = full;
  bad_amount.replace(bad_amount.find("-100.10"), 7, "\"x\"");
  const TempDoc doc(bad_amount);
  const DocumentHead head = read_document_head(doc.path);
  JobFigures f(Segment::lowBalance, {}, {});
  try {
    scan_users(doc.path, head, 0, ~0ull, [&](const JsonValue& u, const std::string& w) { f.add_user(u, w); });
    FAIL() << "a string amount was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("byte "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'amount'"), std::string::npos) << e.what();
  }
}

// The reader that `finseg diff` uses checks the userId order for the report too: two users
// swapped are a damaged document, named with the byte of the second one.
TEST(DocumentScan, UsersOutOfOrderAreNamed) {
  std::string text = document(5);
  const auto at = [&](int u) { return text.find("{\"userId\":\"" + user_id(u) + "\""); };
  const std::size_t u1 = at(1), u2 = at(2), u3 = at(3);
  const std::string one = text.substr(u1, u2 - u1), two = text.substr(u2, u3 - u2);
  text.replace(u1, u3 - u1, two + one);
  const TempDoc doc(text);
  const DocumentHead head = read_document_head(doc.path);
  try {
    scan_users(doc.path, head, 0, ~0ull, [](const JsonValue&, const std::string&) {});
    FAIL() << "users out of order were accepted";
  } catch (const DocumentError& e) {
    EXPECT_NE(std::string(e.what()).find(doc.path.string() + ": byte " + std::to_string(u1 + two.size())), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not sorted"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace finseg
