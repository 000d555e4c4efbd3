// Splitting a result document over ranks by bytes: every user is read by exactly one part, for
// any number of parts, and the figures merged from the parts equal those of one pass.
#include "core/errors.hpp"
#include "io/atomic_file.hpp"
#include "io/store_cereal.hpp"
#include "report/document_scan.hpp"
#include "report/job_figures.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace finseg {
namespace {

struct TempDoc {
  std::filesystem::path path;
  explicit TempDoc(const std::string& text) {
    path = std::filesystem::temp_directory_path() / ("finseg-report-test-" + std::to_string(::getpid()) + ".json");
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempDoc() { std::filesystem::remove(path); }
};

// A lowBalance document as finseg writes it (one user per line), users of uneven sizes.
std::string document(int users) {
  std::string doc = "{\"durationInMonth\":3,\"creationDate\":\"2026-10-01\",\"users\":[";
  for (int u = 0; u < users; ++u) {
    doc += u == 0 ? "\n" : ",\n";
    doc += "{\"userId\":\"u" + std::to_string(u) + "\",\"accounts\":[";
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
  EXPECT_THROW(read_document_head(truncated.path), InputError);
  const TempDoc pretty("{\n  \"durationInMonth\": 3,\n  \"users\": []\n}\n");
  try {
    read_document_head(pretty.path);
    FAIL() << "a pretty-printed document was accepted";
  } catch (const InputError& e) {
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

}  // namespace
}  // namespace finseg
