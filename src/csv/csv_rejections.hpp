// Rejected rows of a CSV import: counted, listed in the InputError, set aside into a rejects file.
#pragma once

#include "csv/csv_import.hpp"
#include "csv/csv_reader.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace finseg::csv {

struct Problem {
  std::string file;
  std::uint64_t line;
  std::string column;  // empty: the record as a whole
  std::string value;
  std::string reason;
  std::string record;  // raw, kept only for the rejects file
};

// "FILE:LINE: column 'X' value 'V': reason" on one line: control characters escaped, long values
// shortened at a UTF-8 character boundary.
std::string describe(const Problem& p);

// Counts rejected rows, keeps what the error message and the rejects file need.
class Rejections {
 public:
  explicit Rejections(const ImportOptions& options);
  // What several readers found, merged (the parallel import): the first problems in input
  // order and the number of rejected rows in total.
  Rejections(const ImportOptions& options, std::vector<Problem> first, std::uint64_t rows);
  void add(const std::string& file, const Record& rec, std::string_view column, std::string_view value,
           std::string reason);
  std::uint64_t rows() const noexcept { return rows_; }
  // Throws InputError listing the first problems when more rows were rejected than allowed.
  void check(const std::filesystem::path& dir) const;
  // The rejects file: columns file,line,column,value,reason,record; written aside and renamed.
  void write(const std::filesystem::path& target) const;

 private:
  const ImportOptions& options_;
  std::uint64_t keep_;
  std::uint64_t rows_ = 0;
  std::vector<Problem> kept_;
};

}  // namespace finseg::csv
