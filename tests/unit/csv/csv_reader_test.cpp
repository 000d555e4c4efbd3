// RFC 4180 reading and writing, header matching, the shard split.
#include "core/errors.hpp"
#include "csv/csv_partition.hpp"
#include "csv/csv_reader.hpp"
#include "csv/csv_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace finseg::csv {
namespace {

struct Parsed {
  std::vector<std::vector<std::string>> records;
  std::vector<std::uint64_t> lines;
  std::vector<std::string> raws;
};

Parsed parse_all(std::string_view text) {
  Reader reader(text, "x.csv");
  Parsed out;
  Record rec;
  while (reader.next(rec)) {
    out.records.emplace_back(rec.fields.begin(), rec.fields.end());
    out.lines.push_back(rec.line);
    out.raws.emplace_back(rec.raw);
  }
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReader, PlainRecordsWithLfAndCrlf) {
  EXPECT_EQ(parse_all("a,b\n1,2\n").records, (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(parse_all("a,b\r\n1,2\r\n").records, (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(parse_all("a,b\r\n1,2\n3,4\r\n").records, (Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
}

TEST(CsvReader, LastRecordWithoutLineEnd) {
  EXPECT_EQ(parse_all("a,b\n1,2").records, (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(parse_all("a,b\r\n1,\"2\"").records, (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(parse_all("a,b\n1,").records, (Rows{{"a", "b"}, {"1", ""}}));
}

TEST(CsvReader, EmptyFields) {
  EXPECT_EQ(parse_all(",,\n\"\",x,\"\"\n").records, (Rows{{"", "", ""}, {"", "x", ""}}));
}

TEST(CsvReader, QuotedCommaAndDoubledQuotes) {
  const Parsed p = parse_all("id,text\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"\"\"\"\n");
  EXPECT_EQ(p.records, (Rows{{"id", "text"}, {"1", "a, b"}, {"2", "say \"hi\""}, {"3", "\""}}));
  // The raw record is the file's text, also after the in-place unescaping.
  EXPECT_EQ(p.raws[2], "2,\"say \"\"hi\"\"\"");
}

TEST(CsvReader, EmbeddedNewlinesCountPhysicalLines) {
  const Parsed p = parse_all("h1,h2\r\n1,\"two\r\nlines\"\r\n2,\"lf\nonly\nhere\"\n3,x\n");
  EXPECT_EQ(p.records, (Rows{{"h1", "h2"}, {"1", "two\r\nlines"}, {"2", "lf\nonly\nhere"}, {"3", "x"}}));
  EXPECT_EQ(p.lines, (std::vector<std::uint64_t>{1, 2, 4, 7}));
}

TEST(CsvReader, ByteOrderMarkIsSkipped) {
  const Parsed p = parse_all("\xEF\xBB\xBF" "accountId,b\n1,2\n");
  EXPECT_EQ(p.records, (Rows{{"accountId", "b"}, {"1", "2"}}));
}

TEST(CsvReader, TabsAndBlanksAreFieldText) {
  EXPECT_EQ(parse_all(" a ,b\tc\n").records, (Rows{{" a ", "b\tc"}}));
}

TEST(CsvReader, EmptyLinesAreSkippedButCounted) {
  const Parsed p = parse_all("a\n\n\r\nb\n\n");
  EXPECT_EQ(p.records, (Rows{{"a"}, {"b"}}));
  EXPECT_EQ(p.lines, (std::vector<std::uint64_t>{1, 4}));
  EXPECT_TRUE(parse_all("").records.empty());
  EXPECT_TRUE(parse_all("\xEF\xBB\xBF").records.empty());
}

std::string malformed(std::string_view text) {
  try {
    parse_all(text);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for: " << text;
  return {};
}

TEST(CsvReader, MalformedQuotingNamesFileAndLine) {
  EXPECT_NE(malformed("a,b\n1,x\"y\n").find("x.csv:2: malformed CSV: quote inside an unquoted field"), std::string::npos);
  EXPECT_NE(malformed("a,b\n1,\"x\"y\n").find("x.csv:2: malformed CSV: text after the closing quote"), std::string::npos);
  EXPECT_NE(malformed("a,b\n1,2\n3,\"open\n\n").find("x.csv:3: malformed CSV: quoted field still open"), std::string::npos);
  EXPECT_NE(malformed("a,b\n1,\"x\ny\"\n2,3\r4\n").find("x.csv:4: malformed CSV: carriage return"), std::string::npos);
}

TEST(CsvReader, FieldViewsStayValidAcrossRecordsAndMoves) {
  Reader reader(std::string_view("a,\"b\"\"c\"\n\"d\"\"\",e\n"), "x.csv");
  Record r1, r2;
  ASSERT_TRUE(reader.next(r1));
  Reader moved = std::move(reader);
  ASSERT_TRUE(moved.next(r2));
  EXPECT_EQ(r1.fields[1], "b\"c");
  EXPECT_EQ(r2.fields[0], "d\"");
  EXPECT_FALSE(moved.next(r2));
}

// Records longer than the parser's 64-byte blocks, with every kind of field, against what was
// written: the usual record is read from the blocks' bits alone and any other falls back to the
// general parser, so both paths and the switch between them (a quote, a CR or the file's end in
// any position of a block) must give the same records, lines and raw bytes.
TEST(CsvReader, LongRecordsOfEveryShapeReadBackAsWritten) {
  std::mt19937 rng(12);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::string plain = "abcdefghijklmnopqrstuvwxyz0123456789 .-";
  for (int round = 0; round < 300; ++round) {
    Rows rows;
    std::vector<std::uint64_t> lines;
    std::vector<std::string> raws;
    std::string text;
    std::uint64_t line = 1;
    const int records = 1 + pick(6);
    for (int r = 0; r < records; ++r) {
      std::vector<std::string> fields(static_cast<std::size_t>(1 + pick(12)));
      std::string raw;
      for (std::size_t f = 0; f < fields.size(); ++f) {
        const int length = pick(40);
        const bool quoted = pick(6) == 0;
        for (int k = 0; k < length; ++k) {
          const int special = quoted ? pick(12) : 99;
          fields[f] += special == 0 ? '"' : special == 1 ? ',' : special == 2 ? '\n' : plain[static_cast<std::size_t>(pick(39))];
        }
        if (f > 0) raw += ',';
        if (quoted || (fields[f].empty() && fields.size() == 1)) {
          raw += '"';
          for (const char c : fields[f]) raw += c == '"' ? std::string("\"\"") : std::string(1, c);
          raw += '"';
        } else {
          raw += fields[f];
        }
      }
      rows.push_back(fields);
      lines.push_back(line);
      raws.push_back(raw);
      line += static_cast<std::uint64_t>(std::count(raw.begin(), raw.end(), '\n')) + 1;
      text += raw;
      if (r + 1 < records || pick(2) == 0) text += pick(2) == 0 ? "\r\n" : "\n";
    }
    const Parsed p = parse_all(text);
    ASSERT_EQ(p.records, rows) << text;
    EXPECT_EQ(p.lines, lines) << text;
    EXPECT_EQ(p.raws, raws) << text;
  }
}

// Record::ascii lets the import skip the UTF-8 check: it may say "not known" for an ASCII record,
// never "ASCII" for a record with a byte >= 0x80 in any position.
TEST(CsvReader, AsciiIsSaidOnlyOfRecordsWithoutAHighByte) {
  const std::string row = "u0000001-chk-00042,u0000001-chk,2024-10-01,-12.34,Hannah Braun,DE53600501010026087931,"
                          "Miete 10/2024 Wohnung Hauptstrasse 12,";
  const auto ascii_flags = [](const std::string& text) {
    Reader reader(text, "x.csv");
    std::vector<bool> flags;
    Record rec;
    while (reader.next(rec)) {
      flags.push_back(rec.ascii);
      if (rec.ascii) {
        EXPECT_TRUE(std::all_of(rec.raw.begin(), rec.raw.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
      }
    }
    return flags;
  };
  EXPECT_TRUE(ascii_flags(row + "\r\n" + row + "\n" + row + "\n").at(0));  // (the last: read by the general parser)
  for (std::size_t at = 0; at <= row.size(); ++at) {
    for (const std::string high : {"\xC3\xA4", "\xFF"}) {
      std::string odd = row;
      odd.insert(at, high);
      const std::vector<bool> flags = ascii_flags(row + "\n" + odd + "\n" + row + "\n" + row + "\n");
      ASSERT_EQ(flags.size(), 4u);
      EXPECT_FALSE(flags[1]) << at;
    }
  }
}

TEST(CsvReader, MalformedBytesAnywhereInALongRecordGiveTheSameMessage) {
  const std::string row = "u0000001-chk-00042,u0000001-chk,2024-10-01,-12.34,Hannah Braun,DE53600501010026087931,"
                          "Miete 10/2024 Wohnung Hauptstrasse 12,";
  for (std::size_t at = 1; at < row.size(); ++at) {
    if (row[at - 1] == ',') continue;  // a quote opening a field is no error
    std::string bad = row;
    bad.insert(at, 1, '"');
    EXPECT_NE(malformed("a\n" + row + "\n" + bad + "\n" + row + "\n").find("x.csv:3: malformed CSV: quote inside an unquoted field"),
              std::string::npos) << at;
    bad = row;
    bad.insert(at, 1, '\r');
    EXPECT_NE(malformed("a\n" + row + "\n" + bad + "\n").find("x.csv:3: malformed CSV: carriage return without a line feed"),
              std::string::npos) << at;
  }
}

// The fast path reads a quoted field without a doubled quote or a line end inside (a purpose with
// a comma) itself: at every field of a long row, quoted so, the records, lines, raw bytes and the
// ASCII flag are what was written; a quoted field then followed by text, holding a CR, a LF or a
// doubled quote goes to the general parser, which gives its message or its fields.
TEST(CsvReader, QuotedFieldsWithCommasInLongRecordsReadBackOrFailAsTheGeneralParser) {
  const std::vector<std::string> fields = {"u0000001-chk-00042", "u0000001-chk", "2024-10-01", "-12.34", "PayPal Europe",
                                           "DE53600501010026087931", "8895945599 PP.1000.PP . Urban Sports Club GmbH", "SUBSCRIPTIONS"};
  const auto row_with = [&](std::size_t quoted, const std::string& cell) {
    std::string row;
    for (std::size_t f = 0; f < fields.size(); ++f) row += (f ? "," : "") + (f == quoted ? cell : fields[f]);
    return row;
  };
  for (std::size_t q = 0; q < fields.size(); ++q) {
    for (const std::string& inner : {std::string("a, b"), std::string(""), std::string(",,"), std::string("x,") + std::string(70, 'y') + ",z"}) {
      const std::string row = row_with(q, "\"" + inner + "\"");
      const std::string text = row + "\n" + row + "\r\n" + row + "\n" + row + "\n";
      Reader reader(text, "x.csv");
      Record rec;
      for (std::uint64_t line = 1; line <= 4; ++line) {
        ASSERT_TRUE(reader.next(rec));
        std::vector<std::string> want = fields;
        want[q] = inner;
        EXPECT_EQ(std::vector<std::string>(rec.fields.begin(), rec.fields.end()), want) << row;
        EXPECT_EQ(rec.line, line);
        EXPECT_EQ(rec.raw, row);
        if (line < 4) {
          EXPECT_TRUE(rec.ascii) << row;  // read by the fast path (the last: by the general parser)
        }
      }
      EXPECT_FALSE(reader.next(rec));
    }
    const std::string plain = row_with(0, fields[0]);
    EXPECT_NE(malformed("a\n" + plain + "\n" + row_with(q, "\"a,b\"c") + "\n" + plain + "\n")
                  .find("x.csv:3: malformed CSV: text after the closing quote"),
              std::string::npos) << q;
    const std::string tricky = row_with(q, "\"a\rb\nc,\"\"d\"");  // CR, LF and a doubled quote inside
    const Parsed p = parse_all("a\n" + plain + "\n" + tricky + "\n" + plain + "\n");
    ASSERT_EQ(p.records.size(), 4u);
    EXPECT_EQ(p.records[2][q], "a\rb\nc,\"d");
    EXPECT_EQ(p.lines, (std::vector<std::uint64_t>{1, 2, 3, 5}));
  }
}

Record header_of(std::string_view text, Reader& reader) {
  (void)text;
  Record rec;
  EXPECT_TRUE(reader.next(rec));
  return rec;
}

TEST(CsvColumnMap, MatchesByNameInAnyOrderIgnoringExtras) {
  Reader reader(std::string_view("extra,c,a,b\n"), "x.csv");
  const Record h = header_of("", reader);
  constexpr std::string_view kNeeded[] = {"a", "b", "c"};
  const ColumnMap map(h, kNeeded, "x.csv");
  EXPECT_EQ(map[0], 2u);
  EXPECT_EQ(map[1], 3u);
  EXPECT_EQ(map[2], 1u);
  EXPECT_EQ(map.header_fields(), 4u);
}

TEST(CsvColumnMap, DuplicatedHeaderNameIsAnError) {
  Reader reader(std::string_view("a,b,a\n"), "x.csv");
  const Record h = header_of("", reader);
  constexpr std::string_view kNeeded[] = {"b"};
  try {
    ColumnMap map(h, kNeeded, "x.csv");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("x.csv:1: header: column 'a' appears twice"), std::string::npos) << e.what();
  }
}

TEST(CsvColumnMap, MissingColumnIsAnError) {
  Reader reader(std::string_view("a,c\n"), "x.csv");
  const Record h = header_of("", reader);
  constexpr std::string_view kNeeded[] = {"a", "b"};
  try {
    ColumnMap map(h, kNeeded, "x.csv");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("x.csv:1: header: required column 'b' is missing"), std::string::npos) << e.what();
  }
}

TEST(CsvWriter, QuotesOnlyWhenNeeded) {
  std::string out;
  for (const char* f : {"plain", "", " blank ", "tab\there", "a,b", "say \"hi\"", "cr\rx", "lf\nx"}) {
    if (!out.empty()) out += '|';
    append_field(out, f);
  }
  EXPECT_EQ(out, "plain|| blank |tab\there|\"a,b\"|\"say \"\"hi\"\"\"|\"cr\rx\"|\"lf\nx\"");
}

TEST(CsvWriter, WhatItWritesReadsBack) {
  const std::uint32_t seed = 20240410;
  std::mt19937 rng(seed);
  const std::string alphabet = std::string("ab ,\"\r\n\t;\xC3\xBC") + '\0';
  std::vector<std::vector<std::string>> rows;
  std::string text;
  for (int r = 0; r < 300; ++r) {
    std::vector<std::string> row;
    for (int c = 0; c < 4; ++c) {
      std::string f;
      const int len = static_cast<int>(rng() % 8);
      for (int i = 0; i < len; ++i) f += alphabet[rng() % alphabet.size()];
      if (c > 0) text += ',';
      append_field(text, f);
      row.push_back(f);
    }
    text += (rng() % 2) ? "\r\n" : "\n";
    rows.push_back(std::move(row));
  }
  EXPECT_EQ(parse_all(text).records, rows) << "seed " << seed;
}

TEST(SplitBalanced, ContiguousDeterministicAndBalanced) {
  const std::vector<std::uint64_t> w = {5, 5, 5, 5, 5, 5};
  EXPECT_EQ(split_balanced(w, 3), (std::vector<std::size_t>{0, 2, 4, 6}));
  EXPECT_EQ(split_balanced(w, 1), (std::vector<std::size_t>{0, 6}));
  const std::vector<std::uint64_t> skewed = {100, 1, 1, 1};
  EXPECT_EQ(split_balanced(skewed, 2), (std::vector<std::size_t>{0, 1, 4}));
  // Every block gets at least one item when there are enough.
  EXPECT_EQ(split_balanced(skewed, 4), (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

TEST(SplitBalanced, MoreShardsThanItemsLeavesEmptyBlocks) {
  const std::vector<std::uint64_t> w = {3, 1, 2};
  const auto b = split_balanced(w, 7);
  ASSERT_EQ(b.size(), 8u);
  EXPECT_EQ(b.front(), 0u);
  EXPECT_EQ(b.back(), 3u);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
  EXPECT_EQ(split_balanced(std::vector<std::uint64_t>{}, 3), (std::vector<std::size_t>{0, 0, 0, 0}));
}

TEST(SplitBalanced, RandomWeightsGiveValidBounds) {
  const std::uint32_t seed = 7;
  std::mt19937 rng(seed);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::uint64_t> w(rng() % 30);
    for (auto& x : w) x = 1 + rng() % 1000;
    const int shards = 1 + static_cast<int>(rng() % 12);
    const auto b = split_balanced(w, shards);
    ASSERT_EQ(b.size(), static_cast<std::size_t>(shards) + 1) << "seed " << seed << " round " << round;
    EXPECT_EQ(b.front(), 0u);
    EXPECT_EQ(b.back(), w.size());
    for (std::size_t k = 0; k + 1 < b.size(); ++k) {
      EXPECT_LE(b[k], b[k + 1]);
      if (static_cast<std::size_t>(shards) <= w.size()) {
        EXPECT_LT(b[k], b[k + 1]) << "seed " << seed << " round " << round;
      }
    }
    EXPECT_EQ(split_balanced(w, shards), b);
  }
}

}  // namespace
}  // namespace finseg::csv
