#include "app/args.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <memory>

namespace finseg {

OptionDef option(std::string name, std::string value_name, std::string help) {
  OptionDef d;
  d.name = std::move(name);
  d.value_name = std::move(value_name);
  d.help = std::move(help);
  return d;
}

OptionDef flag(std::string name, std::string help) { return option(std::move(name), "", std::move(help)); }

OptionDef integer(std::string name, std::string value_name, std::string help, std::optional<std::int64_t> fallback,
                  std::int64_t min, std::int64_t max) {
  OptionDef d = option(std::move(name), std::move(value_name), std::move(help));
  d.min = min;
  d.max = max;
  d.int_default = fallback;
  if (fallback) d.default_text = std::to_string(*fallback);
  return d;
}

OptionDef choice(std::string name, std::string value_name, std::string help, std::vector<std::string> choices,
                 std::string fallback) {
  OptionDef d = option(std::move(name), std::move(value_name), std::move(help));
  d.choices = std::move(choices);
  d.default_text = std::move(fallback);
  return d;
}

namespace {

std::optional<std::int64_t> parse_int(const std::string& text) {
  std::int64_t out = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return out;
}

std::string join(const std::vector<std::string>& words, const std::string& separator) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : separator) + w;
  return out;
}

// --help from the spec: the usage line names the positional arguments as the spec writes them
// ("OLD_JOBID NEW_JOBID", which CLI11 cannot take as an option name), and each option's line
// says its value, then its help, range or choices, default, and what it needs or excludes.
class Formatter : public CLI::Formatter {
 public:
  Formatter(std::string positional, const std::vector<OptionDef>& options) : positional_(std::move(positional)) {
    for (const auto& d : options) defs_["--" + d.name] = d;
    column_width(34);
  }
  std::string make_usage(const CLI::App* app, std::string name) const override {
    std::string line = "usage: " + name + (app->get_options().size() > 1 ? " [OPTIONS]" : "");
    if (!positional_.empty()) line += " " + positional_;
    return line + "\n";
  }
  std::string make_option_opts(const CLI::Option* opt) const override {
    return opt->get_type_name().empty() ? "" : " " + opt->get_type_name();
  }
  std::string make_option_desc(const CLI::Option* opt) const override {
    const auto it = defs_.find(opt->get_name());
    if (it == defs_.end()) return opt->get_description();
    const OptionDef& d = it->second;
    std::vector<std::string> notes;
    if (d.is_required) notes.push_back("required");
    if (d.min) notes.push_back(std::to_string(*d.min) + " to " + std::to_string(*d.max));
    if (!d.choices.empty()) notes.push_back(join(d.choices, ", "));
    if (!d.default_text.empty()) notes.push_back("default " + d.default_text);
    if (d.is_repeatable) notes.push_back("repeatable");
    for (const auto& other : d.excludes) notes.push_back("not with --" + other);
    for (const auto& [name, def] : defs_)
      for (const auto& other : def.excludes)
        if (other == d.name) notes.push_back("not with " + name);
    return d.help + (notes.empty() ? "" : " (" + join(notes, "; ") + ")");
  }

 private:
  std::string positional_;
  std::map<std::string, OptionDef> defs_;
};

// The CLI11 validator of an integer option: the same message and range as --help shows.
CLI::Validator integer_check(const OptionDef& d) {
  const std::int64_t min = *d.min, max = *d.max;
  const std::string range = std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& value) -> std::string {
        const auto n = parse_int(value);
        if (n && *n >= min && *n <= max) return "";
        return "must be an integer from " + range + ", got '" + value + "'";
      },
      "");
}

CLI::Validator choice_check(const OptionDef& d) {
  const std::vector<std::string> choices = d.choices;
  return CLI::Validator(
      [choices](std::string& value) -> std::string {
        for (const auto& c : choices)
          if (value == c) return "";
        return "must be one of " + join(choices, ", ") + ", got '" + value + "'";
      },
      "");
}

void add(CLI::App& app, const OptionDef& d) {
  const std::string name = "--" + d.name;
  if (d.value_name.empty()) {
    app.add_flag(name, d.help)->disable_flag_override();  // `--flag=value` is an error
    return;
  }
  CLI::Option* o = app.add_option(name, d.help);
  o->type_name(d.value_name)->expected(1)->allow_extra_args(false);
  // One value per occurrence (`--job-id A --job-id B`), never the words after it: those are the
  // positional arguments. Repeats and required options are checked after the parse (Args), so
  // that an unknown option is named first, as it is the likelier mistake.
  o->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  if (d.min) o->check(integer_check(d));
  if (!d.choices.empty()) o->check(choice_check(d));
  if (!d.default_text.empty()) o->default_str(d.default_text);
}

std::unique_ptr<CLI::App> make_app(const CommandSpec& spec) {
  std::string description = spec.summary;
  if (!spec.description.empty()) description += "\n" + spec.description;
  auto app = std::make_unique<CLI::App>(description, "finseg " + spec.name);
  app->formatter(std::make_shared<Formatter>(spec.positional, spec.options));
  std::map<std::string, CLI::Option*> added;
  for (const auto& d : spec.options) {
    add(*app, d);
    added[d.name] = app->get_option("--" + d.name);
  }
  for (const auto& d : spec.options)
    for (const auto& other : d.excludes) added.at(d.name)->excludes(added.at(other));
  // Positional words are collected as given (how many a command takes is its own check), out
  // of --help's option list: the usage line and the description name them.
  if (!spec.positional.empty()) app->add_option("positional")->expected(-1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->group("");
  return app;
}

// CLI11's messages say "--users: must be ..." and "--store is required"; a few are reworded
// to name the option the way the rest of finseg does.
std::string usage_message(const CLI::ParseError& e) {
  const std::string what = e.what();
  const std::string no_value = " was given a disallowed flag override";
  if (what.ends_with(no_value)) return "option --" + what.substr(0, what.size() - no_value.size()) + " takes no value";
  if (const auto at = what.find(": 1 required "); at != std::string::npos && what.ends_with(" missing"))
    return "option " + what.substr(0, at) + " needs a value";
  const std::string extras = "The following argument was not expected: ";
  if (what.rfind(extras, 0) == 0) return "unknown option or argument " + what.substr(extras.size());
  const std::string extras_many = "The following arguments were not expected: ";
  if (what.rfind(extras_many, 0) == 0) return "unknown options or arguments " + what.substr(extras_many.size());
  return what;
}

}  // namespace

std::string program_help(const std::vector<const CommandSpec*>& commands, const std::string& footer) {
  CLI::App app("finseg: financial segments over a bank's customer base (README.md)", "finseg");
  app.footer(footer);
  app.formatter(std::make_shared<Formatter>("COMMAND [OPTIONS]", std::vector<OptionDef>{}));
  app.get_formatter()->column_width(12);
  for (const CommandSpec* c : commands) app.add_subcommand(c->name, c->summary)->group("Commands");
  return app.help();
}

std::string command_help(const CommandSpec& spec) { return make_app(spec)->help(); }

Args::Args(const std::vector<std::string>& argv, const CommandSpec& spec) {
  for (const auto& d : spec.options) defs_[d.name] = d;
  const auto app = make_app(spec);
  std::vector<std::string> reversed(argv.rbegin(), argv.rend());  // CLI11 takes its words last first
  try {
    app->parse(reversed);
  } catch (const CLI::CallForHelp&) {
    throw HelpRequested(app->help());
  } catch (const CLI::ParseError& e) {
    throw UsageError(usage_message(e) + " (finseg " + spec.name + " --help)");
  }
  for (const auto& d : spec.options) {
    const CLI::Option* o = app->get_option("--" + d.name);
    if (o->count() == 0) {
      if (d.is_required) throw UsageError("missing required option --" + d.name + " (finseg " + spec.name + " --help)");
      continue;
    }
    if (d.value_name.empty()) {
      flags_set_.insert(d.name);
      continue;
    }
    if (o->results().size() > 1 && !d.is_repeatable) throw UsageError("option --" + d.name + " given more than once");
    values_[d.name] = o->results();
  }
  if (!spec.positional.empty()) positional_ = app->get_option("positional")->results();
}

const OptionDef& Args::def(const std::string& name) const {
  const auto it = defs_.find(name);
  if (it == defs_.end()) throw std::logic_error("option --" + name + " is not in the command's spec");
  return it->second;
}

std::optional<std::string> Args::get(const std::string& name) const {
  def(name);
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  if (it->second.size() > 1) throw UsageError("option --" + name + " given more than once");
  return it->second.front();
}

std::string Args::require(const std::string& name) const {
  auto v = get(name);
  if (!v) throw UsageError("missing required option --" + name);
  return *v;
}

std::vector<std::string> Args::all(const std::string& name) const {
  def(name);
  const auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::int64_t Args::get_int(const std::string& name) const {
  const OptionDef& d = def(name);
  if (!d.min) throw std::logic_error("option --" + name + " is not an integer option");
  const auto v = get(name);
  if (!v) {
    if (!d.int_default) throw std::logic_error("option --" + name + " has no default: check has() first");
    return *d.int_default;
  }
  return *parse_int(*v);  // the parser checked it against the spec's range
}

}  // namespace finseg
