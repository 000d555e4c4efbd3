// libFuzzer target: the RFC 4180 reader (src/csv/csv_reader.cpp) on arbitrary bytes.
// Beyond "no crash": every record it returns, written back with the CSV writer's quoting and
// read again, gives the same fields (reader and writer agree on RFC 4180), and lines only grow.
#include "core/errors.hpp"
#include "csv/csv_reader.hpp"
#include "csv/csv_writer.hpp"

#include "fuzz_support.hpp"

#include <array>
#include <vector>

namespace {

using namespace finseg;

constexpr std::array<std::string_view, 2> kRequired = {"accountId", "userId"};

void check_round_trip(const csv::Record& rec) {
  if (rec.fields.size() == 1 && rec.fields[0].empty()) return;  // written back, an empty line: skipped
  std::string text = "\n";  // a leading empty line: a BOM-like first field is not at byte 0
  for (std::size_t i = 0; i < rec.fields.size(); ++i) {
    if (i) text += ',';
    csv::append_field(text, rec.fields[i]);
  }
  csv::Reader again(text, "again.csv");
  csv::Record back;
  if (!again.next(back)) fuzz::broken("a record written back reads as no record");
  if (back.fields != rec.fields) fuzz::broken("a record written back reads as other fields");
  if (again.next(back)) fuzz::broken("a record written back reads as two records");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    csv::Reader reader(fuzz::as_text(data, size), "fuzz.csv");
    csv::Record rec;
    std::uint64_t last_line = 0;
    bool header = true;
    while (reader.next(rec)) {
      if (rec.line <= last_line) fuzz::broken("record lines do not increase");
      last_line = rec.line;
      if (header) {
        header = false;
        try {
          const csv::ColumnMap columns(rec, kRequired, reader.file_name());
          for (std::size_t i = 0; i < kRequired.size(); ++i)
            if (rec.fields.at(columns[i]) != kRequired[i]) fuzz::broken("ColumnMap points at another column");
        } catch (const InputError&) {
        }
      }
      check_round_trip(rec);
    }
  } catch (const InputError&) {
  }
  return 0;
}
