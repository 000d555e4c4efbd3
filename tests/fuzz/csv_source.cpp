// libFuzzer target: csv_source's units (src/csv/csv_source.cpp, csv_unit_reader.cpp) against
// csv::Reader on arbitrary bytes. Input: byte 0 picks the unit size (1..64 bytes), byte 1 the
// UnitReader's buffer (1..64 bytes), the rest is the file. The units, read in plan order, must give
// exactly Reader's records (fields, raw text, line) and header; on malformed input, the first
// unit that fails must fail with Reader's message, after Reader's records before it.
#include "core/errors.hpp"
#include "csv/csv_reader.hpp"
#include "csv/csv_source.hpp"

#include "fuzz_support.hpp"

#include <vector>

namespace {

using namespace finseg;

struct Rec {
  std::vector<std::string> fields;
  std::uint64_t line;
  std::string raw;
  bool operator==(const Rec&) const = default;
};

Rec copy(const csv::Record& r) { return {{r.fields.begin(), r.fields.end()}, r.line, std::string(r.raw)}; }

struct Reading {
  std::vector<Rec> records;  // the header first
  std::string error;         // the InputError's message, empty when none
};

Reading by_reader(std::string_view content, const std::string& name) {
  Reading out;
  try {
    csv::Reader reader(content, name);
    csv::Record rec;
    while (reader.next(rec)) out.records.push_back(copy(rec));
  } catch (const InputError& e) {
    out.error = e.what();
  }
  return out;
}

Reading by_units(const std::filesystem::path& file, std::uint64_t target, std::size_t buffer) {
  Reading out;
  try {
    std::vector<csv::InputUnit> units = csv::plan_units({file}, target);
    std::vector<csv::UnitScan> scans;
    for (const auto& u : units) scans.push_back(csv::scan_unit(u));
    csv::resolve_units(units, scans);
    for (const auto& u : units) {
      csv::UnitReader reader(u, buffer);
      if (u.first_of_file && reader.has_header()) out.records.push_back(copy(reader.header()));
      csv::Record rec;
      while (reader.next(rec)) out.records.push_back(copy(rec));
    }
  } catch (const InputError& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint64_t target = 1 + data[0] % 64;
  const std::size_t buffer = 1 + data[1] % 64;
  const std::string_view content = fuzz::as_text(data + 2, size - 2);
  const std::filesystem::path file = fuzz::scratch_dir() / "source.csv";
  fuzz::write_bytes(file, content);
  const Reading want = by_reader(content, file.filename().string());
  const Reading got = by_units(file, target, buffer);
  if (got.error != want.error) fuzz::broken("the units fail otherwise than csv::Reader");
  if (got.records != want.records) fuzz::broken("the units read other records than csv::Reader");
  return 0;
}
