// The command-line parser (app/args.hpp): what a spec lets through, what it refuses (UsageError,
// exit 2), and that --help is the spec's own text. The e2e test tests/e2e/cli_help.sh checks the
// real commands' specs against their --help.
#include "app/args.hpp"

#include <gtest/gtest.h>

#include <string>

namespace finseg {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{"demo", "a demo command", "", "FILE [FILE ...]",
                             {option("store", "STORE", "the store").required(),
                              integer("ranks", "N", "ranks", 3, 1, 16),
                              integer("limit", "S", "a limit", std::nullopt, 0, 60).excluding("unlimited"),
                              flag("unlimited", "no limit"),
                              choice("mode", "MODE", "how", {"fast", "slow"}, "fast"),
                              option("tag", "T", "tags").repeatable()}};
  return s;
}

std::string usage_error(const std::vector<std::string>& argv) {
  try {
    Args args(argv, spec());
  } catch (const UsageError& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    return e.what();
  }
  ADD_FAILURE() << "no usage error";
  return "";
}

TEST(Args, ReadsValuesFlagsRepeatsAndPositionalsInAnyOrder) {
  const Args args({"a.json", "--store", "S", "--tag=x", "b.json", "--unlimited", "--tag", "y", "--ranks=16"}, spec());
  EXPECT_EQ(args.require("store"), "S");
  EXPECT_EQ(args.get_int("ranks"), 16);
  EXPECT_TRUE(args.flag("unlimited"));
  EXPECT_EQ(args.all("tag"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(args.positional(), (std::vector<std::string>{"a.json", "b.json"}));
  EXPECT_FALSE(args.has("mode"));
  EXPECT_EQ(args.get("mode").value_or("fast"), "fast");
}

TEST(Args, IntegerDefaultsComeFromTheSpec) {
  const Args args({"--store", "S"}, spec());
  EXPECT_EQ(args.get_int("ranks"), 3);
  EXPECT_THROW(args.get_int("limit"), std::logic_error);  // no default: has() first
  EXPECT_THROW(args.get("undeclared"), std::logic_error);  // a command reads only what it declares
}

TEST(Args, RefusesWhatTheSpecDoesNotAllow) {
  EXPECT_NE(usage_error({"--store", "S", "--bogus"}).find("--bogus"), std::string::npos);
  EXPECT_NE(usage_error({"--ranks", "2"}).find("missing required option --store"), std::string::npos);
  EXPECT_NE(usage_error({"--store"}).find("option --store needs a value"), std::string::npos);
  EXPECT_NE(usage_error({"--store", "S", "--ranks", "17"}).find("--ranks: must be an integer from 1 to 16, got '17'"),
            std::string::npos);
  EXPECT_NE(usage_error({"--store", "S", "--ranks", "2x"}).find("got '2x'"), std::string::npos);
  EXPECT_NE(usage_error({"--store", "S", "--mode", "medium"}).find("--mode: must be one of fast, slow, got 'medium'"),
            std::string::npos);
  EXPECT_NE(usage_error({"--store", "S", "--store", "T"}).find("option --store given more than once"), std::string::npos);
  EXPECT_NE(usage_error({"--store", "S", "--unlimited=yes"}).find("option --unlimited takes no value"), std::string::npos);
  EXPECT_NE(usage_error({"--store", "S", "--limit", "5", "--unlimited"}).find("--limit excludes --unlimited"),
            std::string::npos);
}

TEST(Args, HelpIsTheSpecsOwnText) {
  for (const char* h : {"--help", "-h"}) {
    try {
      Args args({h}, spec());
      ADD_FAILURE() << "no help for " << h;
    } catch (const HelpRequested& help) {
      const std::string text = help.what();
      EXPECT_NE(text.find("usage: finseg demo [OPTIONS] FILE [FILE ...]"), std::string::npos) << text;
      EXPECT_NE(text.find("--store STORE"), std::string::npos) << text;
      EXPECT_NE(text.find("(required)"), std::string::npos) << text;
      EXPECT_NE(text.find("(1 to 16; default 3)"), std::string::npos) << text;
      EXPECT_NE(text.find("(fast, slow; default fast)"), std::string::npos) << text;
      EXPECT_NE(text.find("not with --unlimited"), std::string::npos) << text;
      EXPECT_NE(text.find("not with --limit"), std::string::npos) << text;
    }
  }
}

}  // namespace
}  // namespace finseg
