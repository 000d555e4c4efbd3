// The command line of every finseg command, declared once: each command lists its options
// (`CommandSpec`), CLI11 parses argv against that list and generates `--help` from the same list,
// so the help can never drift from what the parser accepts. Unknown options, missing or bad values
// are usage errors (exit 2), never silently ignored; `--help` is not an error (exit 0, stdout).
//
// Adding an option to a command: one entry in its spec's `options`, e.g.
//   integer("ranks", "N", "ranks of each run", 1, 1, 4096)      // --ranks N, default 1, 1..4096
//   option("bind", "ADDR", "address to listen on").default_is("127.0.0.1")
//   choice("format", "FORMAT", "output format", {"json", "ndjson", "csv"}, "json")
//   flag("no-auth", "accept requests without a token")
//   option("callback-allow", "HOST[:PORT]", "...").repeatable()
//   option("tokens", "FILE", "...").required().excluding("no-auth")
// and the command reads it as before: args.get / require / has / flag / all / get_int("ranks").
#pragma once

#include "core/errors.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace finseg {

// One option: its name (without "--"), the placeholder of its value (none: a flag), its help
// line, and the checks the parser makes before the command runs.
struct OptionDef {
  std::string name;
  std::string value_name;  // empty: a flag, which takes no value
  std::string help;
  bool is_required = false;
  bool is_repeatable = false;               // otherwise given more than once is an error
  std::optional<std::int64_t> min, max;     // an integer in [min, max]
  std::optional<std::int64_t> int_default;  // get_int's value when the option is absent
  std::vector<std::string> choices;         // one of these words
  std::string default_text;                 // shown by --help: what applies when absent
  std::vector<std::string> excludes;        // options that may not be given with this one

  OptionDef& required() { is_required = true; return *this; }
  OptionDef& repeatable() { is_repeatable = true; return *this; }
  OptionDef& default_is(std::string text) { default_text = std::move(text); return *this; }
  OptionDef& excluding(std::string other) { excludes.push_back(std::move(other)); return *this; }
};

OptionDef option(std::string name, std::string value_name, std::string help);
OptionDef flag(std::string name, std::string help);
// An integer from min to max; without `fallback` the command must not read it when absent.
OptionDef integer(std::string name, std::string value_name, std::string help, std::optional<std::int64_t> fallback,
                  std::int64_t min, std::int64_t max);
OptionDef choice(std::string name, std::string value_name, std::string help, std::vector<std::string> choices,
                 std::string fallback);

// A command: its name, one line for `finseg --help`, more for `finseg NAME --help`, its
// positional arguments (how many is the command's own check) and its options.
struct CommandSpec {
  std::string name;
  std::string summary;
  std::string description;
  std::string positional;  // e.g. "JOB.json ...": shown in the usage line; empty: none taken
  std::vector<OptionDef> options;
};

// `--help` was asked for: main() prints `text` on stdout (rank 0) and exits 0.
class HelpRequested : public std::runtime_error {
 public:
  explicit HelpRequested(const std::string& text) : std::runtime_error(text) {}
};

// `finseg --help`: the commands, one line each.
std::string program_help(const std::vector<const CommandSpec*>& commands, const std::string& footer);
// `finseg COMMAND --help` (and `finseg help COMMAND`).
std::string command_help(const CommandSpec& spec);

class Args {
 public:
  // Parses argv (the words after the command's name) against the spec; throws UsageError or
  // HelpRequested.
  Args(const std::vector<std::string>& argv, const CommandSpec& spec);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  bool flag(const std::string& name) const { return flags_set_.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::string require(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
  // An integer option: its value, checked by the parser against the spec's range, or its default.
  std::int64_t get_int(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  const OptionDef& def(const std::string& name) const;

  std::map<std::string, OptionDef> defs_;
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> flags_set_;
  std::vector<std::string> positional_;
};

}  // namespace finseg
