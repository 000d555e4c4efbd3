// A small command-line parser: `--name value`, `--name=value`, flags, positionals. Unknown
// options are usage errors (exit 2), never silently ignored.
#pragma once

#include "core/errors.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace finseg {

class Args {
 public:
  // `options` take a value (may repeat), `flags` do not.
  Args(const std::vector<std::string>& argv, std::set<std::string> options, std::set<std::string> flags);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  bool flag(const std::string& name) const { return flags_set_.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::string require(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
  std::int64_t get_int(const std::string& name, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> flags_set_;
  std::vector<std::string> positional_;
};

}  // namespace finseg
