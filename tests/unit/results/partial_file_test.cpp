// Partial files and the streaming merge: the merged document must be byte-identical to
// render_document() of the combined partials, for shards of disjoint or interleaved users.
#include "core/date.hpp"
#include "core/errors.hpp"
#include "core/segments/document.hpp"
#include "io/atomic_file.hpp"
#include "results/partial_file.hpp"

#include "results_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace finseg {
namespace {

namespace fs = std::filesystem;

JobSpec job_spec() { return merge_test_job(); }

SegmentPartial partial_of(const std::vector<std::string>& ids, std::uint64_t scanned = 10) {
  SegmentPartial p;
  for (const auto& id : ids) p.append_user(id, "{\"userId\":\"" + id + "\",\"accounts\":[]}");
  p.entries = ids.size();
  p.transactions_scanned = scanned;
  return p;
}

// Writes one file per shard (each with `jobs` copies of its partial) and returns the refs.
std::vector<PartialFileRef> write_files(const fs::path& dir, const std::vector<std::vector<std::string>>& shards, std::size_t jobs = 1) {
  std::vector<PartialFileRef> refs;
  for (std::size_t k = 0; k < shards.size(); ++k) {
    const auto file = dir / ("shard-" + std::to_string(k) + ".part");
    write_file_atomic(file, encode_partial_file("key", static_cast<int>(k), "crc32:0", std::vector<SegmentPartial>(jobs, partial_of(shards[k]))));
    refs.push_back({file, read_partial_header(file)});
  }
  return refs;
}

std::string reference(const std::vector<std::vector<std::string>>& shards) {
  SegmentPartial all;
  for (const auto& s : shards) all.combine(partial_of(s));
  return render_document(job_spec(), all);
}

std::string merged(const fs::path& dir, const std::vector<PartialFileRef>& refs, std::size_t job = 0, SegmentTotals* totals = nullptr) {
  const auto out = dir / ("doc-" + std::to_string(job) + ".json");
  fs::remove(out);
  const auto t = write_merged_document(job_spec(), job, refs, out);
  if (totals) *totals = t;
  return read_file(out);
}

TEST(PartialFile, MergeOfDisjointShardsIsTheRenderedDocument) {
  TempDir tmp("finseg-partial-");
  const std::vector<std::vector<std::string>> shards{{"u003", "u004"}, {}, {"u000", "u001", "u002"}, {"u005"}};
  const auto refs = write_files(tmp.path, shards, 3);
  SegmentTotals totals;
  for (std::size_t j = 0; j < 3; ++j) EXPECT_EQ(merged(tmp.path, refs, j, &totals), reference(shards));
  EXPECT_EQ(totals.users, 6u);
  EXPECT_EQ(totals.entries, 6u);
  EXPECT_EQ(totals.transactions_scanned, 40u);
  EXPECT_EQ(refs[2].header.jobs[1].first_user, "u000");
  EXPECT_EQ(refs[2].header.jobs[1].last_user, "u002");
}

TEST(PartialFile, MergeOfInterleavedShardsInAnyFileOrder) {
  TempDir tmp("finseg-partial-");
  // Byte order, not numeric: "B" < "a"; many shards open at once.
  std::vector<std::vector<std::string>> shards(40);
  std::mt19937 rng(7);
  for (int u = 0; u < 2000; ++u) shards[rng() % shards.size()].push_back("user-" + std::to_string(u));
  shards[3].push_back("B");
  for (auto& s : shards) std::sort(s.begin(), s.end());
  auto refs = write_files(tmp.path, shards);
  const std::string want = reference(shards);
  EXPECT_EQ(merged(tmp.path, refs), want);
  std::shuffle(refs.begin(), refs.end(), rng);
  EXPECT_EQ(merged(tmp.path, refs), want);
  EXPECT_EQ(want.find("{\"userId\":\"B\""), want.find("[\n") + 2);
}

TEST(PartialFile, NoUsersGiveTheEmptyDocument) {
  TempDir tmp("finseg-partial-");
  const auto refs = write_files(tmp.path, {{}, {}});
  EXPECT_EQ(merged(tmp.path, refs), "{\"durationInMonth\":3,\"creationDate\":\"2024-04-10\",\"users\":[]}\n");
  EXPECT_EQ(merged(tmp.path, {}), reference({}));
}

TEST(PartialFile, AUserInTwoShardsIsABug) {
  TempDir tmp("finseg-partial-");
  const auto refs = write_files(tmp.path, {{"a", "b"}, {"b", "c"}});
  EXPECT_THROW(merged(tmp.path, refs), std::logic_error);
}

TEST(PartialFile, SectionRoundTrip) {
  TempDir tmp("finseg-partial-");
  const auto refs = write_files(tmp.path, {{"x", "y", "z"}}, 2);
  const SegmentPartial back = read_partial_section(refs[0].file, refs[0].header, 1);
  EXPECT_EQ(back, partial_of({"x", "y", "z"}));
  EXPECT_EQ(refs[0].header.run_key, "key");
  EXPECT_EQ(verify_partial_file(refs[0].file).jobs.size(), 2u);
}

// The CRC is taken piece by piece as the records are appended (16 KiB at a time): over files of
// many pieces, pieces ending anywhere inside a record and empty sections, it must still be the
// CRC of the whole file that verify_partial_file recomputes.
TEST(PartialFile, TheCrcTakenAsTheFileGrowsIsTheWholeFilesCrc) {
  TempDir tmp("finseg-partial-");
  std::mt19937 rng(7);
  for (const std::size_t users : {0, 1, 150, 3000}) {
    std::vector<SegmentPartial> partials(3);
    for (std::size_t u = 0; u < users; ++u) {
      char id[16];
      std::snprintf(id, sizeof id, "u%08zu", u);
      partials[0].append_user(id, std::string(1 + rng() % 900, 'a' + static_cast<char>(u % 26)));
      if (u % 3 == 0) partials[2].append_user(id, "{}");
    }
    const auto file = tmp.path / ("p" + std::to_string(users) + ".part");
    write_file_atomic(file, encode_partial_file("key", 1, "crc32:0", partials));
    const PartialFileHeader header = verify_partial_file(file);
    ASSERT_EQ(header.jobs.size(), 3u);
    const SegmentPartial back = read_partial_section(file, header, 0);
    EXPECT_EQ(back.user_ids, partials[0].user_ids);
    EXPECT_EQ(back.json_text, partials[0].json_text);
    EXPECT_EQ(back.json_end, partials[0].json_end);
  }
}

TEST(PartialFile, DamageIsFoundAndNamed) {
  TempDir tmp("finseg-partial-");
  const auto refs = write_files(tmp.path, {{"a", "b", "c"}});
  std::string bytes = read_file(refs[0].file);
  const auto flipped = tmp.path / "flipped.part";
  std::string copy = bytes;
  copy[copy.size() - 10] ^= 0x20;
  write_file_atomic(flipped, copy);
  try {
    verify_partial_file(flipped);
    FAIL() << "a flipped byte was not found";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("flipped.part"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("checksum mismatch"), std::string::npos) << e.what();
  }
  const auto cut = tmp.path / "cut.part";
  write_file_atomic(cut, bytes.substr(0, 30));
  EXPECT_THROW(verify_partial_file(cut), IoError);
  EXPECT_THROW(read_partial_header(cut), IoError);
  const auto other = tmp.path / "other.part";
  write_file_atomic(other, "{\"not\":\"a partial file\"}");
  EXPECT_THROW(read_partial_header(other), IoError);
  EXPECT_THROW(read_partial_header(tmp.path / "missing.part"), IoError);
}

TEST(PartialFile, UnsortedPartialIsRefused) {
  SegmentPartial p;
  p.user_ids = {"b", "a"};
  p.json_text = "{}{}";
  p.json_end = {2, 4};
  EXPECT_THROW(encode_partial_file("k", 0, "c", {p}), std::logic_error);
}

TEST(PartialFile, TheDocumentFileIsNeverOverwritten) {
  TempDir tmp("finseg-partial-");
  const auto refs = write_files(tmp.path, {{"a"}});
  write_file_atomic(tmp.path / "taken.json", "x");
  EXPECT_THROW(write_merged_document(job_spec(), 0, refs, tmp.path / "taken.json"), IoError);
  EXPECT_EQ(read_file(tmp.path / "taken.json"), "x");
}

}  // namespace
}  // namespace finseg
