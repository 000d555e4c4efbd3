// The streaming reader of result documents and the range split of finseg diff: seeking lands on
// the first user >= an id from any byte offset (the binary search runs on documents of MBs), and
// diffing the users in ranges cut anywhere gives the same bytes as one pass.
#include "core/date.hpp"
#include "core/errors.hpp"
#include "core/segments/document.hpp"
#include "core/segments/json_text.hpp"
#include "io/atomic_file.hpp"
#include "results/results_diff.hpp"
#include "results/results_reader.hpp"
#include "results/results_writer.hpp"

#include "results_test_support.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace finseg {
namespace {

namespace fs = std::filesystem;


JobSpec balance_job(const char* date) {
  JobSpec job;
  job.request.segment = Segment::highBalance;
  job.creation_date = *parse_date(date);
  return job;
}

// A highBalance user with one account of `cents`, padded so that documents reach MBs.
std::string user_json(const std::string& id, std::int64_t cents) {
  std::string s = "{\"userId\":";
  append_json_string(s, id);
  s += ",\"accounts\":[{\"accountId\":";
  append_json_string(s, id + "-chk-" + std::string(200, 'x'));
  s += ",\"amount\":";
  append_json_money(s, cents);
  return s + "}]}";
}

// Ids with characters that are escaped in JSON ('"', '\\', a control character): their order
// is that of the unescaped bytes.
std::vector<std::string> user_ids(std::size_t n) {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < n; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "u%06zu", i);
    ids.push_back(buf);
    if (i % 97 == 0) ids.back() += "\"q";
    if (i % 89 == 0) ids.back() += "\\b";
    if (i % 83 == 0) ids.back() += '\x01';
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

fs::path write_document(const fs::path& file, const char* date, const std::vector<std::string>& ids, std::int64_t shift) {
  SegmentPartial p;
  for (std::size_t i = 0; i < ids.size(); ++i) p.append_user(ids[i], user_json(ids[i], static_cast<std::int64_t>(i) * 100 + (i % 3 == 0 ? shift : 0)));
  write_file_atomic(file, render_document(balance_job(date), p));
  return file;
}

TEST(DocumentReader, SeekLandsOnTheFirstUserAtOrAfterAnId) {
  TempDir tmp("finseg-diff-");
  const auto ids = user_ids(6000);  // ~1.5 MB: the binary search runs
  const auto doc = write_document(tmp.path / "doc.json", "2026-06-30", ids, 0);
  DocumentReader reader(doc);
  std::mt19937 rng(7);
  for (int k = 0; k < 300; ++k) {
    const std::string& target = ids[rng() % ids.size()];
    const std::string probe = k % 2 ? target : target + "~";  // an id in the document, or one between two
    reader.seek_to(probe);
    const auto want = std::lower_bound(ids.begin(), ids.end(), probe);
    if (want == ids.end()) {
      EXPECT_FALSE(reader.next()) << probe;
      continue;
    }
    ASSERT_TRUE(reader.next()) << probe;
    EXPECT_EQ(reader.user_id(), *want) << "seed 7, probe " << probe;
  }
  reader.seek_to("");
  std::size_t n = 0;
  while (reader.next()) EXPECT_EQ(reader.user_id(), ids[n++]);
  EXPECT_EQ(n, ids.size());
}

TEST(DocumentReader, RefusesWhatIsNotAResultDocument) {
  TempDir tmp("finseg-diff-");
  write_file_atomic(tmp.path / "x.json", "{\"users\":[]}\n");
  EXPECT_THROW(DocumentReader(tmp.path / "x.json"), IoError);
  const auto ids = user_ids(10);
  const auto doc = write_document(tmp.path / "d.json", "2026-06-30", ids, 0);
  std::string text = read_file(doc);
  text.resize(text.size() - 4);  // truncated
  write_file_atomic(tmp.path / "t.json", text);
  DocumentReader r(tmp.path / "t.json");
  EXPECT_THROW(
      {
        while (r.next()) {
        }
      },
      IoError);
}

TEST(ResultsDiff, RangesCutAnywhereGiveTheBytesOfOnePass) {
  TempDir tmp("finseg-diff-");
  auto old_ids = user_ids(5000), new_ids = user_ids(5200);
  old_ids.erase(old_ids.begin() + 100, old_ids.begin() + 400);  // entered
  new_ids.erase(new_ids.begin() + 2000, new_ids.begin() + 2100);  // left
  ChangesPair pair;
  pair.old_id = "old";
  pair.new_id = "new";
  pair.segment = Segment::highBalance;
  pair.request_json = "{}";
  pair.old_document = write_document(tmp.path / "old.json", "2026-06-30", old_ids, 0);
  pair.new_document = write_document(tmp.path / "new.json", "2026-09-30", new_ids, 500);
  const ChangeRules rules(pair.segment, {}, {}, "rules");
  std::string reference;
  for (int parts = 1; parts <= 5; ++parts) {
    const auto bounds = split_user_ranges(pair, parts);
    ASSERT_EQ(bounds.size(), static_cast<std::size_t>(parts + 1));
    const auto out = tmp.path / ("doc-" + std::to_string(parts));
    ChangesDocument doc(pair, rules, out);
    ChangeCounts counts = doc.add_range(bounds[0], bounds[1]);  // rank 0: into the document
    std::vector<fs::path> files;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> sizes;
    for (int r = 1; r < parts; ++r) {
      files.push_back(tmp.path / ("part-" + std::to_string(parts) + "-" + std::to_string(r)));
      const ChangeCounts c = write_changes_part(pair, rules, bounds[r], bounds[r + 1], files.back());
      counts += c;
      sizes.emplace_back(c.entered + c.left + c.changed, fs::file_size(files.back()));
    }
    sizes.emplace_back(0, 0);  // a rank with nothing to write
    const auto placements = doc.place_parts(sizes);
    doc.finish(counts);
    for (std::size_t k = files.size(); k-- > 0;)  // in any order: each part has its own bytes
      if (!placements[k].separator.empty()) write_part_at(out, placements[k].offset, placements[k].separator, files[k]);
    EXPECT_TRUE(placements.back().separator.empty());
    EXPECT_EQ(counts.old_users, old_ids.size());
    EXPECT_EQ(counts.new_users, new_ids.size());
    EXPECT_EQ(counts.entered + counts.changed + counts.unchanged, new_ids.size());
    EXPECT_GT(counts.changed, 0u);
    if (parts == 1) reference = read_file(out);
    else EXPECT_EQ(read_file(out), reference) << parts << " parts";
  }
}

TEST(ChangeRules, ThresholdsAreExactInCents) {
  const std::vector<JsonValue> rules{parse_json(R"({"minChange":10,"minChangePercent":20})")};
  const ChangeRules r(Segment::lowBalance, rules, {}, "t");
  const auto user = [](std::int64_t cents) {
    std::string s = "{\"userId\":\"u\",\"accounts\":[{\"accountId\":\"a\",\"amount\":";
    append_json_money(s, cents);
    return s + "}]}";
  };
  EXPECT_EQ(r.compare(user(-10000), user(-12000)), R"([{"accountId":"a","change":"moved","measure":"amount","old":-100.00,"new":-120.00}])");
  EXPECT_EQ(r.compare(user(-10000), user(-11999)), "");  // 19.99 %
  EXPECT_EQ(r.compare(user(4000), user(4999)), "");       // 9.99 < minChange
  EXPECT_EQ(r.compare(user(0), user(1000)).empty(), false);  // from 0: any percent
  EXPECT_THROW(ChangeRules(Segment::lowBalance, {parse_json(R"({"labelGroup":"X"})")}, {}, "t"), UsageError);
  EXPECT_THROW(ChangeRules(Segment::financialBreakdown, {parse_json(R"({"labelGroup":"GAMBLING"})")}, {"INCOME"}, "t"), UsageError);
}

}  // namespace
}  // namespace finseg
