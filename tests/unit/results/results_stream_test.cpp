// The user index and the streams of a result document: offsets land on every user, a stale or
// damaged index is built again, a range streams exactly its users, CSV quotes per RFC 4180 and
// flattens each segment's nesting to one row per innermost entry, a document without users
// streams as one.
#include "core/errors.hpp"
#include "io/atomic_file.hpp"
#include "results/results_index.hpp"
#include "results/results_reader.hpp"
#include "results/results_stream.hpp"

#include "results_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace finseg {
namespace {

const std::string kHead = R"({"durationInMonth":0,"creationDate":"2026-09-30","users":[)";

std::string document(int users) {
  if (users == 0) return R"({"durationInMonth":0,"creationDate":"2026-09-30","users":[]})" "\n";
  std::string doc = kHead + "\n";
  for (int u = 0; u < users; ++u) {
    doc += R"({"userId":"u)" + std::to_string(1000 + u) + R"(","accounts":[{"accountId":"a,)" + std::to_string(u) +
           R"(","amount":)" + std::to_string(u) + ".50}]}";
    doc += u + 1 < users ? ",\n" : "\n";
  }
  return doc + "]}\n";
}

std::string all_of(DocumentStream& s) {
  std::string out;
  while (s.next_chunk(out, 64)) {
  }
  return out;
}

TEST(UserIndex, OffsetsLandOnEveryUserAndAStaleIndexIsBuiltAgain) {
  TempDir dir("finseg-index-");
  const auto doc = dir.path / "result.json";
  write_file_atomic(doc, document(50));
  {
    const UserIndex index = UserIndex::open_or_build(doc);
    ASSERT_EQ(index.count(), 50u);
    DocumentReader reader(doc);
    for (std::uint64_t u = 0; u < 50; ++u) {
      reader.seek_to_byte(index.offset(u));
      ASSERT_TRUE(reader.next());
      EXPECT_EQ(reader.user_id(), "u" + std::to_string(1000 + u));
    }
    EXPECT_THROW(index.offset(50), IoError);
  }
  // Another document in the same place (a size the index does not record): rebuilt, not trusted.
  std::filesystem::remove(doc);
  write_file_atomic(doc, document(7));
  EXPECT_EQ(UserIndex::open_or_build(doc).count(), 7u);
  write_file_atomic(UserIndex::path_of(doc), "garbage");
  EXPECT_EQ(UserIndex::open_or_build(doc).count(), 7u);
  std::filesystem::remove(doc);
  write_file_atomic(doc, document(0));
  EXPECT_EQ(UserIndex::open_or_build(doc).count(), 0u);
}

TEST(DocumentStream, JsonWholeIsTheDocumentAndARangeHoldsItsUsers) {
  TempDir dir("finseg-stream-");
  const auto doc = dir.path / "result.json";
  for (const int users : {0, 1, 9}) {
    std::filesystem::remove(doc);
    write_file_atomic(doc, document(users));
    DocumentStream whole(doc, DocumentFormat::json, "highBalance");
    EXPECT_EQ(all_of(whole), document(users)) << users << " users";
  }
  const UserIndex index = UserIndex::open_or_build(doc);
  DocumentStream page(doc, DocumentFormat::ndjson, "highBalance", index.offset(3), 2);
  EXPECT_EQ(all_of(page), R"({"userId":"u1003","accounts":[{"accountId":"a,3","amount":3.50}]})" "\n"
                          R"({"userId":"u1004","accounts":[{"accountId":"a,4","amount":4.50}]})" "\n");
  DocumentStream empty(doc, DocumentFormat::json, "highBalance", 0, 0, R"(],"paging":{}})");
  EXPECT_EQ(all_of(empty), kHead + R"(],"paging":{}})" "\n");
}

TEST(DocumentStream, CsvQuotesAndFlattensToOneRowPerInnermostEntry) {
  TempDir dir("finseg-csv-");
  const auto doc = dir.path / "result.json";
  write_file_atomic(doc, document(2));
  DocumentStream csv(doc, DocumentFormat::csv, "highBalance");
  EXPECT_EQ(all_of(csv), "userId,accountId,amount\r\nu1000,\"a,0\",0.50\r\nu1001,\"a,1\",1.50\r\n");
  const JsonValue user = parse_json(
      R"({"userId":"x\"y","accounts":[{"accountId":"a","insurances":[{"provider":"P1","insuranceType":"HEALTHINSURANCE","amount":1.00},)"
      R"({"provider":"line\nbreak","insuranceType":"INSURANCE","amount":2.00}]}],"missingInsuranceTypes":["LIFEINSURANCE","CARINSURANCE"]})");
  const std::vector<std::string> columns = {"userId", "missingInsuranceTypes", "accountId", "provider", "insuranceType", "amount"};
  EXPECT_EQ(csv_rows_of_user(user, columns),
            "\"x\"\"y\",LIFEINSURANCE|CARINSURANCE,a,P1,HEALTHINSURANCE,1.00\r\n"
            "\"x\"\"y\",LIFEINSURANCE|CARINSURANCE,a,\"line\nbreak\",INSURANCE,2.00\r\n");
  EXPECT_THROW(segment_columns("nope"), UsageError);
}

// A changes document (GET .../changes paged and streamed): indexed by the same pass, its users as
// NDJSON and as a JSON range with the caller's closing; no CSV layout. Before, the result kind
// refused its closing line and the stream refused json.
TEST(UserIndex, AChangesDocumentIsIndexedAndStreamedAsNdjsonOrJsonNotCsv) {
  TempDir dir("finseg-index-");
  const auto doc = dir.path / "result.json";
  const std::string head = R"({"segment":"lowBalance","durationInMonth":3,"users":[)";
  const std::string u1 = R"({"userId":"a","status":"entered"})", u2 = R"({"userId":"b","status":"left"})",
                    u3 = R"({"userId":"c","status":"changed"})";
  const std::string closing = R"(],"counts":{"entered":1,"left":1,"changed":1,"unchanged":4}})";
  write_file_atomic(doc, head + "\n" + u1 + ",\n" + u2 + ",\n" + u3 + "\n" + closing + "\n");
  EXPECT_THROW(UserIndex::open_or_build(doc), DocumentError);  // not a result document
  const UserIndex index = UserIndex::open_or_build(doc, DocumentKind::changes);
  ASSERT_EQ(index.count(), 3u);
  DocumentStream ndjson(doc, DocumentFormat::ndjson, "lowBalance", index.offset(1), 2, "", DocumentKind::changes);
  EXPECT_EQ(all_of(ndjson), u2 + "\n" + u3 + "\n");
  DocumentStream page(doc, DocumentFormat::json, "lowBalance", index.offset(1), 1, "],\"paging\":{}}", DocumentKind::changes);
  EXPECT_EQ(all_of(page), head + "\n" + u2 + "\n],\"paging\":{}}\n");
  EXPECT_THROW(DocumentStream(doc, DocumentFormat::csv, "lowBalance", 0, 3, "", DocumentKind::changes), UsageError);
}

}  // namespace
}  // namespace finseg
