// A document written in byte ranges (one per rank) is byte-identical to render_document() of the
// combined partials, for any number of ranges, with shards of disjoint, interleaved and no users;
// the ranges are written here one after the other, in any order, by one process.
#include "core/date.hpp"
#include "core/errors.hpp"
#include "core/segments/document.hpp"
#include "io/atomic_file.hpp"
#include "results/document_layout.hpp"
#include "results/results_index.hpp"
#include "results/results_writer.hpp"

#include "results_test_support.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

namespace finseg {
namespace {

namespace fs = std::filesystem;

SegmentPartial users(const std::vector<std::string>& ids) {
  SegmentPartial p;
  for (const auto& id : ids) p.append_user(id, "{\"userId\":\"" + id + "\",\"n\":" + std::to_string(id.size() * 7) + "}");
  p.entries = ids.size() * 2;
  p.transactions_scanned = 100 + ids.size();
  return p;
}

// Every layout over 1..6 ranks, its ranges written in a shuffled order, against the rendered document.
void expect_ranges_render(const std::vector<std::vector<std::string>>& shards) {
  TempDir tmp("finseg-layout-");
  std::vector<PartialFileRef> refs;
  SegmentPartial all;
  for (std::size_t k = 0; k < shards.size(); ++k) {
    const auto file = tmp.path / ("shard-" + std::to_string(k) + ".part");
    write_file_atomic(file, encode_partial_file("key", static_cast<int>(k), "crc32:0", {users(shards[k])}));
    refs.push_back({file, read_partial_header(file)});
    all.combine(users(shards[k]));
  }
  const std::string expected = render_document(merge_test_job(), all);
  std::mt19937 rng(11);
  for (int ranks = 1; ranks <= 6; ++ranks) {
    const DocumentLayout layout = layout_document(merge_test_job(), 0, refs, ranks);
    ASSERT_EQ(layout.total_bytes(), expected.size()) << ranks << " ranks";
    const auto dir = tmp.path / ("ranks-" + std::to_string(ranks));
    fs::create_directory(dir);
    const auto doc = dir / "result.json", index = UserIndex::path_of(doc);
    create_sized_file(doc, layout.total_bytes());
    UserIndex::create_sized(index, layout.users);
    std::vector<int> order(static_cast<std::size_t>(ranks));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    SegmentTotals totals;
    for (const int r : order) totals += write_document_slice(layout, r, 0, refs, doc, index);
    EXPECT_EQ(read_file(doc), expected) << ranks << " ranks";
    const std::string entries = read_file(index);  // a range of it per slice
    UserIndex::write_beside(doc);                  // one pass over the whole document
    EXPECT_EQ(entries, read_file(index)) << ranks << " ranks: the page index";
    EXPECT_EQ(totals, all.totals()) << ranks << " ranks";
  }
}

TEST(DocumentLayout, RangesOfDisjointShardsAreTheRenderedDocument) {
  expect_ranges_render({{"u03", "u04"}, {}, {"u00", "u01", "u02"}, {"u05"}, {"u06", "u07", "u08", "u09"}, {"u10"}});
}

TEST(DocumentLayout, InterleavedShardsStayInOneRange) {
  expect_ranges_render({{"a", "d", "x"}, {"b", "c"}, {"y", "z"}, {"e"}, {}, {"f", "g", "h"}});
}

TEST(DocumentLayout, NoUsersAtAll) {
  expect_ranges_render({{}, {}});
  expect_ranges_render({});
}

// The ranges are laid out from the headers: a header that does not match its records (a bug, or
// a file an attacker wrote with a valid CRC) is an IoError naming it, never a document with a
// hole or an overlap.
TEST(DocumentLayout, HeadersThatLieAboutTheirRecordsAreIoErrors) {
  TempDir tmp("finseg-layout-");
  const auto file = tmp.path / "shard-0.part";
  write_file_atomic(file, encode_partial_file("key", 0, "crc32:0", {users({"u1", "u2", "u3"})}));
  const PartialFileRef honest{file, read_partial_header(file)};
  int n = 0;
  const auto merge_of = [&](const PartialFileRef& ref) {
    write_merged_document(merge_test_job(), 0, {ref}, tmp.path / ("doc-" + std::to_string(n++) + ".json"));
  };
  EXPECT_NO_THROW(merge_of(honest));
  PartialFileRef ref = honest;
  ref.header.jobs[0].json_bytes += 1;
  EXPECT_THROW(merge_of(ref), IoError);
  ref = honest;
  ref.header.jobs[0].first_user = "u0";
  EXPECT_THROW(merge_of(ref), IoError);
  ref = honest;
  ref.header.jobs[0].last_user = "u4";
  EXPECT_THROW(merge_of(ref), IoError);
  ref = honest;  // the same bytes, one user more: its page index would have an entry too many
  ref.header.jobs[0].totals.users += 1;
  ref.header.jobs[0].json_bytes -= 2;
  EXPECT_THROW(merge_of(ref), IoError);
}

TEST(DocumentLayout, CreatedFileIsNeverReplaced) {
  TempDir tmp("finseg-layout-");
  create_sized_file(tmp.path / "doc.json", 10);
  EXPECT_THROW(create_sized_file(tmp.path / "doc.json", 10), IoError);
}

}  // namespace
}  // namespace finseg
