// The changes section's aggregation: a changes document of `finseg diff` (docs/changes.md) read by
// the one document reader (results/results_reader), split over any number of parts, recounts the same
// users by status and the same changes by kind; damaged or foreign documents are named errors.
#include "core/errors.hpp"
#include "parallel/wire.hpp"
#include "results/results_reader.hpp"
#include "report/job_figures.hpp"

#include "report_test_support.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace finseg {
namespace {

const std::string kHead =
    "{\"segment\":\"insuranceSpending\",\"oldJobId\":\"q2\",\"newJobId\":\"q3\",\"oldCreationDate\":\"2026-07-01\","
    "\"newCreationDate\":\"2026-10-01\",\"durationInMonth\":12,\"request\":{\"durationInMonth\":12},"
    "\"rules\":[{\"minChange\":0.01,\"changes\":[\"added\",\"ended\",\"repriced\"]}],\"users\":[";

// User u of a changes document as finseg diff writes it: status by u % 3, changed users with
// u % 4 + 1 changes of the three kinds in turn.
std::string user_line(int u) {
  const std::string id = "\"userId\":\"u" + std::to_string(1000 + u) + "\"";
  const std::string obj = "{\"userId\":\"u" + std::to_string(1000 + u) + "\",\"accounts\":[]}";
  if (u % 3 == 0) return "{" + id + ",\"status\":\"entered\",\"new\":" + obj + "}";
  if (u % 3 == 1) return "{" + id + ",\"status\":\"left\",\"old\":" + obj + "}";
  static const char* const kinds[] = {"added", "ended", "repriced"};
  std::string changes;
  for (int c = 0; c <= u % 4; ++c)
    changes += std::string(c ? "," : "") + "{\"accountId\":\"a\",\"provider\":\"p" + std::to_string(c) +
               "\",\"insuranceType\":\"CARINSURANCE\",\"change\":\"" + kinds[(u + c) % 3] + "\"}";
  return "{" + id + ",\"status\":\"changed\",\"changes\":[" + changes + "],\"old\":" + obj + ",\"new\":" + obj + "}";
}

std::string changes_document(int users, const std::string& counts) {
  std::string doc = kHead;
  for (int u = 0; u < users; ++u) doc += (u == 0 ? "\n" : ",\n") + user_line(u);
  return doc + (users ? "\n" : "") + "],\"counts\":" + counts + "}\n";
}

ChangeFigures expected(int users) {
  ChangeFigures f;
  for (int u = 0; u < users; ++u) {
    if (u % 3 == 0) ++f.entered;
    else if (u % 3 == 1) ++f.left;
    else {
      ++f.changed;
      for (int c = 0; c <= u % 4; ++c) ++((u + c) % 3 == 0 ? f.added : (u + c) % 3 == 1 ? f.removed : f.moved);
    }
  }
  return f;
}

ChangeFigures scan(const TempDoc& doc, int part, int parts) {
  const DocumentHead head = read_document_head(doc.path, DocumentKind::changes);
  const auto [begin, end] = user_bytes_of_part(head, part, parts);
  ChangeFigures f;
  scan_users(doc.path, head, begin, end, [&](const JsonValue& u, const std::string& w) { f.add_user(u, w); });
  return f;
}

TEST(ChangeFigures, RecountIsTheSameForAnyNumberOfParts) {
  for (const int users : {0, 1, 2, 7, 60}) {
    const TempDoc doc(changes_document(users, "{\"oldUsers\":9,\"newUsers\":9,\"entered\":0,\"left\":0,\"changed\":0,\"unchanged\":9}"));
    const DocumentHead head = read_document_head(doc.path, DocumentKind::changes);
    EXPECT_EQ(head.duration_in_month, 12);
    ASSERT_NE(head.fields.find("counts"), nullptr);
    EXPECT_EQ(head.fields.find("counts")->find("unchanged")->text, "9");
    EXPECT_EQ(head.fields.find("oldJobId")->text, "q2");
    const ChangeFigures want = expected(users);
    EXPECT_EQ(to_bytes(scan(doc, 0, 1)), to_bytes(want)) << users << " users";
    for (const int parts : {2, 3, 5, 64}) {
      ChangeFigures merged;
      for (int p = 0; p < parts; ++p) merged.combine(scan(doc, p, parts));
      EXPECT_EQ(to_bytes(merged), to_bytes(want)) << users << " users, " << parts << " parts";
    }
  }
  const ChangeFigures f = expected(60);
  EXPECT_EQ(f.entered + f.left + f.changed, 60u);
  EXPECT_GT(f.added, 0u);
  EXPECT_GT(f.removed, 0u);
  EXPECT_GT(f.moved, 0u);
}

TEST(ChangeFigures, DamagedOrForeignDocumentsAreNamedErrors) {
  const std::string counts = "{\"oldUsers\":1,\"newUsers\":1,\"entered\":0,\"left\":0,\"changed\":0,\"unchanged\":1}";
  const std::string full = changes_document(6, counts);
  const TempDoc truncated(full.substr(0, full.size() - 30));
  EXPECT_THROW(read_document_head(truncated.path, DocumentKind::changes), DocumentError);
  // A result document is not a changes document, nor the other way round.
  const TempDoc result("{\"durationInMonth\":3,\"creationDate\":\"2026-10-01\",\"users\":[\n{\"userId\":\"u1\",\"accounts\":[]}\n]}\n");
  EXPECT_THROW(read_document_head(result.path, DocumentKind::changes), DocumentError);
  EXPECT_NO_THROW(read_document_head(result.path, DocumentKind::result));
  const TempDoc changes(full);
  try {
    read_document_head(changes.path, DocumentKind::result);
    FAIL() << "a changes document was read as a result document";
  } catch (const DocumentError& e) {
    EXPECT_NE(std::string(e.what()).find(changes.path.string()), std::string::npos) << e.what();
  }
  std::string bad_status = full;
  bad_status.replace(bad_status.find("\"left\""), 6, "\"gone\"");
  const TempDoc bad(bad_status);
  try {
    scan(bad, 0, 1);
    FAIL() << "status gone was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("byte "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'status'"), std::string::npos) << e.what();
  }
  std::string entered_with_old = full;
  entered_with_old.replace(entered_with_old.find("\"new\":"), 6, "\"old\":");
  const TempDoc both(entered_with_old);
  EXPECT_THROW(scan(both, 0, 1), InputError);
}

}  // namespace
}  // namespace finseg
