// csv_source.hpp: input files, units, scans, exact record boundaries, and UnitReader against
// csv::Reader (the reference: the union of all units' records must be Reader's, line for line).
#include "core/errors.hpp"
#include "csv/csv_reader.hpp"
#include "csv/csv_source.hpp"
#include "csv_test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace finseg::csv {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using test::write_file;

struct Rec {
  std::vector<std::string> fields;
  std::uint64_t line = 0;
  std::string raw;
  bool operator==(const Rec&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Rec& r) {
  os << "line " << r.line << " raw [" << r.raw << "] fields";
  for (const auto& f : r.fields) os << " [" << f << "]";
  return os;
}

Rec to_rec(const Record& r) { return {{r.fields.begin(), r.fields.end()}, r.line, std::string(r.raw)}; }

// Every record of `content` by csv::Reader, the header first.
std::vector<Rec> reader_records(const std::string& content) {
  Reader reader(content, "x.csv");
  std::vector<Rec> out;
  Record rec;
  while (reader.next(rec)) out.push_back(to_rec(rec));
  return out;
}

std::vector<UnitScan> scan_all(const std::vector<InputUnit>& units) {
  std::vector<UnitScan> scans;
  for (const auto& u : units) scans.push_back(scan_unit(u));
  return scans;
}

struct FileRecords {
  bool has_header = false;
  Rec header;
  std::vector<Rec> records;
  std::uint64_t bytes_read = 0;  // summed over the file's units
};

// Reads `files` as units of `target` bytes through UnitReaders with `buffer`-byte buffers; checks
// that every unit of a file gives the same header.
std::vector<FileRecords> unit_records(const std::vector<fs::path>& files, std::uint64_t target, std::size_t buffer) {
  std::vector<InputUnit> units = plan_units(files, target);
  resolve_units(units, scan_all(units));
  std::vector<FileRecords> out(files.size());
  for (const InputUnit& unit : units) {
    UnitReader reader(unit, buffer);
    FileRecords& f = out.at(unit.file_index);
    EXPECT_EQ(reader.file_name(), unit.file.filename().string());
    if (unit.first_of_file) {
      f.has_header = reader.has_header();
      f.header = to_rec(reader.header());
    } else {
      EXPECT_EQ(reader.has_header(), f.has_header) << unit.file << " at " << unit.begin;
      EXPECT_EQ(to_rec(reader.header()), f.header) << unit.file << " at " << unit.begin;
    }
    Record rec;
    while (reader.next(rec)) f.records.push_back(to_rec(rec));
    EXPECT_FALSE(reader.next(rec));  // the end stays the end
    f.bytes_read += reader.bytes_read();
  }
  return out;
}

// Checks a file read through units equals Reader's reading of its (uncompressed) content.
void expect_same_as_reader(const FileRecords& got, const std::string& content, const std::string& what) {
  const std::vector<Rec> want = reader_records(content);
  ASSERT_EQ(got.has_header, !want.empty()) << what;
  if (want.empty()) {
    EXPECT_TRUE(got.records.empty()) << what;
    return;
  }
  EXPECT_EQ(got.header, want.front()) << what;
  ASSERT_EQ(got.records.size(), want.size() - 1) << what;
  for (std::size_t i = 0; i < got.records.size(); ++i) ASSERT_EQ(got.records[i], want[i + 1]) << what << ", record " << i;
}

// A field that stresses the grammar: commas, doubled quotes, LF and CRLF inside quotes, empties.
std::string random_field(std::mt19937& rng) {
  static const char* const kFields[] = {
      "plain", "", "\"\"", "\"a,b\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"", "\"crlf\r\ninside\"", "\"\"\"\"",
      "\"\n\"", "\",\n,\"\"\n\"", "x y z", "12.50", "\"\"\"\"\"\"",
  };
  return kFields[rng() % std::size(kFields)];
}

// A CSV of `records` rows after a header: line ends LF, CRLF or mixed, optional BOM, optional
// empty lines (also before the header), optional last line end.
std::string random_csv(std::mt19937& rng, int records, bool bom, int line_ends, bool last_line_end) {
  auto eol = [&] { return line_ends == 0 ? "\n" : line_ends == 1 ? "\r\n" : (rng() % 2 ? "\n" : "\r\n"); };
  std::string s = bom ? "\xEF\xBB\xBF" : "";
  if (rng() % 3 == 0) s += eol();
  s += "id,text,note";
  for (int r = 0; r < records; ++r) {
    s += eol();
    if (rng() % 7 == 0) s += eol();  // an empty line
    s += std::to_string(r) + "," + random_field(rng) + "," + random_field(rng);
  }
  if (last_line_end) s += eol();
  return s;
}

TEST(CsvSource, CompressionOfName) {
  EXPECT_EQ(compression_of("a/transactions.csv"), Compression::none);
  EXPECT_EQ(compression_of("transactions.csv.gz"), Compression::gzip);
  EXPECT_EQ(compression_of("transactions-2.csv.zst"), Compression::zstd);
  EXPECT_EQ(compression_of("transactions.gzip"), Compression::none);
}

TEST(CsvSource, FindInputFilesMatchesStemAndSortsByBytes) {
  TempDir dir;
  for (const char* name : {"transactions.csv", "transactions_b.csv.gz", "transactions-2.csv.zst", "transactions_B.csv",
                           "transactions.csv.bak", "transactions.txt", "accounts.csv", "xtransactions.csv",
                           "transactions2.csv.xz"})
    write_file(dir / name, "id\n");
  fs::create_directories(dir / "transactions_dir.csv");  // a folder is not an input
  std::vector<std::string> names;
  for (const auto& f : find_input_files(dir.path(), "transactions")) names.push_back(f.filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"transactions-2.csv.zst", "transactions.csv", "transactions_B.csv",
                                             "transactions_b.csv.gz"}));
  EXPECT_EQ(find_input_files(dir.path(), "accounts").size(), 1u);
  EXPECT_THROW(find_input_files(dir.path(), "users"), IoError);
  EXPECT_THROW(find_input_files(dir / "missing", "transactions"), IoError);
}

TEST(CsvSource, PlanUnitsCoversEveryFileInOrder) {
  TempDir dir;
  write_file(dir / "t1.csv", std::string(1000, 'x'));
  write_file(dir / "t2.csv", "");
  write_file(dir / "t3.csv.gz", std::string(5000, 'z'));  // compressed: one unit whatever its size
  write_file(dir / "t4.csv", std::string(10, 'x'));
  const std::vector<fs::path> files{dir / "t1.csv", dir / "t2.csv", dir / "t3.csv.gz", dir / "t4.csv"};
  const std::vector<InputUnit> units = plan_units(files, 300);
  ASSERT_EQ(units.size(), 4u + 1 + 1 + 1);
  std::uint64_t expected_begin = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(units[i].file_index, 0u);
    EXPECT_EQ(units[i].begin, expected_begin);
    EXPECT_EQ(units[i].first_of_file, i == 0);
    EXPECT_GE(units[i].end - units[i].begin, 249u);
    EXPECT_LE(units[i].end - units[i].begin, 300u);
    expected_begin = units[i].end;
  }
  EXPECT_EQ(expected_begin, 1000u);
  EXPECT_EQ(units[4].file_index, 1u);
  EXPECT_EQ(units[4].end, 0u);  // an empty file is one (empty) unit
  EXPECT_EQ(units[5].compression, Compression::gzip);
  EXPECT_EQ(units[5].begin, 0u);
  EXPECT_EQ(units[5].end, 5000u);
  EXPECT_EQ(units[6].file_index, 3u);
  EXPECT_EQ(plan_units({dir / "t1.csv"}, 1).size(), 1000u);
  EXPECT_THROW(plan_units({dir / "none.csv"}, 10), IoError);
}

// The units of a plain file come in a multiple of the ranks (each rank takes units i % P), of
// equal sizes; a compressed file stays one unit, a file smaller than the multiple is not cut finer.
TEST(CsvSource, PlanUnitsGivesEveryRankAsManyUnitsOfAPlainFile) {
  TempDir dir;
  write_file(dir / "t1.csv", std::string(1700, 'x'));  // 17 units of 100 bytes alone
  write_file(dir / "t2.csv.gz", std::string(500, 'z'));
  write_file(dir / "t3.csv", std::string(2, 'x'));
  const std::vector<InputUnit> units = plan_units({dir / "t1.csv", dir / "t2.csv.gz", dir / "t3.csv"}, 100, 3);
  ASSERT_EQ(units.size(), 18u + 1 + 1);
  std::uint64_t expected_begin = 0;
  for (std::size_t i = 0; i < 18; ++i) {
    EXPECT_EQ(units[i].file_index, 0u);
    EXPECT_EQ(units[i].begin, expected_begin);
    EXPECT_GE(units[i].end - units[i].begin, 94u);
    EXPECT_LE(units[i].end - units[i].begin, 95u);
    expected_begin = units[i].end;
  }
  EXPECT_EQ(expected_begin, 1700u);
  EXPECT_EQ(units[18].compression, Compression::gzip);
  EXPECT_EQ(units[19].end - units[19].begin, 2u);
  EXPECT_EQ(plan_units({dir / "t1.csv"}, 100, 2).size(), 18u);
  EXPECT_EQ(plan_units({dir / "t1.csv"}, 100, 1).size(), 17u);
}

TEST(CsvSource, ScanCountsQuotesAndLineEndsOfAnyRange) {
  TempDir dir;
  std::mt19937 rng(7);
  std::string content(20011, ' ');
  for (char& c : content) c = "\"\n,a\rb"[rng() % 6];
  write_file(dir / "t.csv", content);
  InputUnit unit;
  unit.file = dir / "t.csv";
  for (const auto& [b, e] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {0, 20011}, {1, 20011}, {0, 4080}, {3, 4100}, {17, 17}, {5000, 9095}, {19990, 20011}, {0, 15}}) {
    unit.begin = b;
    unit.end = e;
    const UnitScan s = scan_unit(unit);
    EXPECT_EQ(s.quotes, static_cast<std::uint64_t>(std::count(content.begin() + b, content.begin() + e, '"'))) << b;
    EXPECT_EQ(s.line_ends, static_cast<std::uint64_t>(std::count(content.begin() + b, content.begin() + e, '\n'))) << b;
  }
  unit.compression = Compression::zstd;  // a compressed unit needs no scan
  EXPECT_EQ(scan_unit(unit).quotes, 0u);
}

// The scan reads blocks of 256 KiB and counts 64 bytes a step in 8-bit lanes summed every 127
// steps: runs where every byte is a quote or a line end (the most a lane can count) and ranges
// across the blocks' and the sums' boundaries count exactly.
TEST(CsvSource, ScanCountsDenseRunsAcrossItsBlocks) {
  TempDir dir;
  std::mt19937 rng(11);
  std::string content(600'001, 'x');
  for (std::size_t at = 0; at < content.size(); at += 40'000) {
    const char fill = "\"\n,"[(at / 40'000) % 3];
    std::fill(content.begin() + static_cast<std::ptrdiff_t>(at),
              content.begin() + static_cast<std::ptrdiff_t>(std::min(at + 20'000, content.size())), fill);
  }
  for (std::size_t k = 0; k < 5000; ++k) content[rng() % content.size()] = "\"\n"[rng() % 2];
  write_file(dir / "t.csv", content);
  InputUnit unit;
  unit.file = dir / "t.csv";
  for (const auto& [b, e] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {0, 600'001}, {1, 600'001}, {262'143, 262'209}, {100, 524'389}, {8'127, 8'129 + 64 * 127}, {599'937, 600'001}}) {
    unit.begin = b;
    unit.end = e;
    const UnitScan s = scan_unit(unit);
    const auto from = content.begin() + static_cast<std::ptrdiff_t>(b), to = content.begin() + static_cast<std::ptrdiff_t>(e);
    EXPECT_EQ(s.quotes, static_cast<std::uint64_t>(std::count(from, to, '"'))) << b;
    EXPECT_EQ(s.line_ends, static_cast<std::uint64_t>(std::count(from, to, '\n'))) << b;
  }
}

TEST(CsvSource, ResolveGivesQuoteStateAndLineAtEveryUnitStart) {
  TempDir dir;
  const std::string a = "h\n\"x\ny\",1\n\"q\"\"\"\nend\n", b = "h\n\"open\n";
  write_file(dir / "a.csv", a);
  write_file(dir / "b.csv", b);
  std::vector<InputUnit> units = plan_units({dir / "a.csv", dir / "b.csv"}, 1);
  resolve_units(units, scan_all(units));
  for (const InputUnit& u : units) {
    const std::string& s = u.file_index == 0 ? a : b;
    const auto quotes = std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(u.begin), '"');
    const auto lines = std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(u.begin), '\n');
    EXPECT_EQ(u.starts_in_quotes, quotes % 2 == 1) << u.file << " " << u.begin;
    EXPECT_EQ(u.first_line, static_cast<std::uint64_t>(lines) + 1) << u.file << " " << u.begin;
    EXPECT_EQ(u.first_of_file, u.begin == 0);
  }
  EXPECT_THROW(resolve_units(units, {}), std::invalid_argument);
}

// The core property: whatever the cut, every record is read once, by the unit it starts in, with
// Reader's fields, raw text and line number.
TEST(CsvSource, UnitsReadReadersRecordsWhateverTheCut) {
  TempDir dir;
  for (unsigned seed = 1; seed <= 6; ++seed) {
    std::mt19937 rng(seed);
    const bool bom = seed % 2 == 0;
    const int line_ends = static_cast<int>(seed % 3);
    const std::string content = random_csv(rng, 25, bom, line_ends, seed % 4 != 3);
    const fs::path file = dir / ("t" + std::to_string(seed) + ".csv");
    write_file(file, content);
    for (std::uint64_t target = 1; target <= 64; ++target)
      for (const std::size_t buffer : {std::size_t{1}, std::size_t{5}, std::size_t{1} << 16}) {
        const auto got = unit_records({file}, target, buffer);
        const std::string what = "seed " + std::to_string(seed) + " target " + std::to_string(target) + " buffer " +
                                 std::to_string(buffer);
        expect_same_as_reader(got[0], content, what);
        EXPECT_EQ(got[0].bytes_read, content.size()) << what;
        if (HasFailure()) return;
      }
  }
}

TEST(CsvSource, HeaderAfterEmptyLinesBelongsToTheFirstUnit) {
  TempDir dir;
  const std::string content = "\n\r\n\n\n\n\nid,x\n\n1,\"a\nb\"\n2,c\n\n";
  write_file(dir / "t.csv", content);
  for (std::uint64_t target = 1; target <= 8; ++target)
    expect_same_as_reader(unit_records({dir / "t.csv"}, target, 2)[0], content, "target " + std::to_string(target));
}

TEST(CsvSource, EmptyAndHeaderOnlyFiles) {
  TempDir dir;
  for (const std::string content : {"", "\n\n\r\n", "\xEF\xBB\xBF", "id,x", "id,x\n", "id,x\r\n\r\n", "\"i\nd\",x\n"}) {
    write_file(dir / "t.csv", content);
    for (std::uint64_t target : {1, 2, 3, 100}) {
      const auto got = unit_records({dir / "t.csv"}, target, 4);
      expect_same_as_reader(got[0], content, "[" + content + "] target " + std::to_string(target));
      EXPECT_TRUE(got[0].records.empty());
    }
  }
}

// The message of the first InputError a unit gives, in plan order (empty when none does).
std::string first_unit_error(const fs::path& file, std::uint64_t target) {
  std::vector<InputUnit> units = plan_units({file}, target);
  resolve_units(units, scan_all(units));
  for (const InputUnit& unit : units) {
    try {
      UnitReader reader(unit, 3);
      Record rec;
      while (reader.next(rec)) {
      }
    } catch (const InputError& e) {
      return e.what();
    }
  }
  return {};
}

std::string reader_error(const std::string& content) {
  try {
    reader_records(content);
  } catch (const InputError& e) {
    return std::string(e.what()).replace(0, 5, "t.csv");  // reader_records calls the file x.csv
  }
  return {};
}

TEST(CsvSource, MalformedQuotingIsReadersErrorWhicheverUnitMeetsIt) {
  TempDir dir;
  const std::string good = "id,text\n1,\"a\nb\"\n2,\"c\"\"d\"\n3,e\n4,\"f\r\ng\"\n";
  for (const std::string bad : {"5,x\"y\n", "5,\"x\"y\n", "5,\"open\n6,z\n", "5,x\ry\n", "5,\"x\"\"\n"}) {
    const std::string content = good + bad;
    write_file(dir / "t.csv", content);
    const std::string want = reader_error(content);
    ASSERT_FALSE(want.empty()) << bad;
    for (std::uint64_t target = 1; target <= static_cast<std::uint64_t>(content.size()) + 1; ++target)
      EXPECT_EQ(first_unit_error(dir / "t.csv", target), want) << bad << " target " << target;
  }
  // In the middle of the file too: the units before the bad record read well.
  const std::string content = good + "5,x\"y\n" + good;
  write_file(dir / "t.csv", content);
  for (std::uint64_t target : {1, 7, 40, 1000}) EXPECT_EQ(first_unit_error(dir / "t.csv", target), reader_error(content));
}

// A quoted field left open would pull the rest of the file into memory: the record's size is bounded.
TEST(CsvSource, ARecordLongerThanTheLimitIsAnInputError) {
  TempDir dir;
  std::string content = "id,text\n1,ok\n2,\"open";
  for (int i = 0; i < 500; ++i) content += ",more text\n";
  write_file(dir / "t.csv", content);
  write_file(dir / "u.csv", "id,text\n1,\"" + std::string(3000, 'x') + "\"\n2,y\n");
  std::vector<InputUnit> units = plan_units({dir / "t.csv", dir / "u.csv"}, 1 << 20);
  resolve_units(units, scan_all(units));
  UnitReader reader(units[0], 16, 1024);
  Record rec;
  ASSERT_TRUE(reader.next(rec));
  try {
    reader.next(rec);
    ADD_FAILURE() << "an open quote read the whole file";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "t.csv:3: malformed CSV: a record longer than 1024 bytes (is a quoted field left open?)");
  }
  UnitReader within(units[1], 16, 4096);  // a long record within the limit is read
  ASSERT_TRUE(within.next(rec));
  EXPECT_EQ(rec.fields.at(1).size(), 3000u);
  EXPECT_THROW(UnitReader(units[1], 16, 2048).next(rec), InputError);
}

void run(const std::string& command) { ASSERT_EQ(std::system(command.c_str()), 0) << command; }

TEST(CsvSource, SeveralFilesPlainGzipAndZstd) {
  TempDir dir, src;
  std::mt19937 rng(99);
  std::vector<std::string> contents;
  for (int i = 0; i < 4; ++i) contents.push_back(random_csv(rng, 300 + 100 * i, i == 1, i % 3, true));
  write_file(dir / "transactions.csv", contents[0]);
  write_file(src / "t1.csv", contents[1]);
  run("gzip -c " + (src / "t1.csv").string() + " > " + (dir / "transactions-1.csv.gz").string());
  write_file(src / "t2.csv", contents[2]);
  run("zstd -q -c " + (src / "t2.csv").string() + " > " + (dir / "transactions-2.csv.zst").string());
  // gzip members and zstd frames one after another are one file's content, as the CLIs read them.
  write_file(src / "t3a.csv", contents[3].substr(0, 1000));
  write_file(src / "t3b.csv", contents[3].substr(1000));
  run("gzip -c " + (src / "t3a.csv").string() + " > " + (dir / "transactions-3.csv.gz").string() + " && gzip -c " +
      (src / "t3b.csv").string() + " >> " + (dir / "transactions-3.csv.gz").string());
  const std::vector<fs::path> files = find_input_files(dir.path(), "transactions");
  ASSERT_EQ(files.size(), 4u);
  ASSERT_EQ(files[3].filename(), "transactions.csv");
  const std::vector<std::string> in_order{contents[1], contents[2], contents[3], contents[0]};
  for (const std::size_t buffer : {std::size_t{7}, std::size_t{4096}, std::size_t{8} << 20}) {
    const auto got = unit_records(files, 500, buffer);
    for (std::size_t i = 0; i < files.size(); ++i) {
      expect_same_as_reader(got[i], in_order[i], files[i].filename().string() + " buffer " + std::to_string(buffer));
      EXPECT_EQ(got[i].bytes_read, fs::file_size(files[i])) << files[i];
    }
  }
  // Multi-frame zstd.
  run("zstd -q -c " + (src / "t3a.csv").string() + " > " + (dir / "m.csv.zst").string() + " && zstd -q -c " +
      (src / "t3b.csv").string() + " >> " + (dir / "m.csv.zst").string());
  expect_same_as_reader(unit_records({dir / "m.csv.zst"}, 1, 5)[0], contents[3], "multi-frame zstd");
}

// A compressed file far bigger than the buffer: the decoders' pending output must not be lost.
TEST(CsvSource, LargeCompressedFilesStreamThroughASmallBuffer) {
  TempDir dir;
  std::mt19937 rng(5);
  const std::string content = random_csv(rng, 40000, false, 0, true);
  write_file(dir / "t.csv", content);
  run("gzip -1 -c " + (dir / "t.csv").string() + " > " + (dir / "t.csv.gz").string());
  run("zstd -q -c " + (dir / "t.csv").string() + " > " + (dir / "t.csv.zst").string());
  for (const char* name : {"t.csv.gz", "t.csv.zst"})
    for (const std::size_t buffer : {std::size_t{1000}, std::size_t{1} << 16})
      expect_same_as_reader(unit_records({dir / name}, 1, buffer)[0], content, name);
  // Highly compressible: the whole compressed file is consumed long before its output is taken.
  std::string same = "id,text,note\n";
  for (int i = 0; i < 200000; ++i) same += "1,abc,def\n";
  write_file(dir / "same.csv", same);
  run("gzip -9 -c " + (dir / "same.csv").string() + " > " + (dir / "same.csv.gz").string());
  run("zstd -q -19 -c " + (dir / "same.csv").string() + " > " + (dir / "same.csv.zst").string());
  for (const char* name : {"same.csv.gz", "same.csv.zst"}) {
    const auto got = unit_records({dir / name}, 1, 1000);
    EXPECT_EQ(got[0].records.size(), 200000u) << name;
    EXPECT_EQ(got[0].records.back().line, 200001u) << name;
  }
}

TEST(CsvSource, CorruptOrTruncatedCompressedFilesAreInputErrors) {
  TempDir dir;
  std::mt19937 rng(3);
  write_file(dir / "t.csv", random_csv(rng, 2000, false, 0, true));
  run("gzip -c " + (dir / "t.csv").string() + " > " + (dir / "t.csv.gz").string());
  run("zstd -q -c " + (dir / "t.csv").string() + " > " + (dir / "t.csv.zst").string());
  for (const char* name : {"t.csv.gz", "t.csv.zst"}) {
    const std::string whole = test::read_file(dir / name);
    const std::string broken = std::string("broken-") + name, cut = std::string("cut-") + name;
    std::string flipped = whole;
    for (std::size_t i = flipped.size() / 3; i < flipped.size() / 3 + 64; ++i) flipped[i] = static_cast<char>(~flipped[i]);
    write_file(dir / broken, flipped);
    write_file(dir / cut, whole.substr(0, whole.size() / 2));
    write_file(dir / (std::string("text-") + name), "id,x\n1,2\n");  // not compressed at all
    write_file(dir / (std::string("empty-") + name), "");          // gzip -d / zstd -d refuse it too
    for (const std::string& file : {broken, cut, std::string("text-") + name, std::string("empty-") + name}) {
      try {
        (void)unit_records({dir / file}, 1, 1 << 12);
        ADD_FAILURE() << file << " was read without an error";
      } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
      }
    }
  }
}

}  // namespace
}  // namespace finseg::csv
