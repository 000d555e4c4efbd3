// The HTTP service's parsers, without a server: the token file, bearer headers, callback URLs
// and the callback allow-list.
#include "core/errors.hpp"
#include "http/callbacks.hpp"
#include "http/tokens.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace finseg;
using namespace finseg::http;

namespace {
// A token file in the temp folder, removed when it goes out of scope (also when a test throws).
struct TokenFile {
  std::filesystem::path path;
  explicit TokenFile(const std::string& content)
      : path(std::filesystem::temp_directory_path() /
             ("finseg-tokens-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()))) {
    std::ofstream(path) << content;
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  ~TokenFile() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
  operator const std::filesystem::path&() const { return path; }
};
TokenFile token_file(const std::string& content) { return TokenFile(content); }
}  // namespace

TEST(TokenTable, MapsBearerTokensToTheirClients) {
  const auto f = token_file("# clients\nbank-crm 0123456789abcdef0123\n\nbank-risk AAAAbbbbCCCCdddd-_.~\nbank-crm rotated-token-000000001\n");
  const TokenTable t = TokenTable::load(f);
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.client_of("Bearer 0123456789abcdef0123"), "bank-crm");
  EXPECT_EQ(t.client_of("Bearer rotated-token-000000001"), "bank-crm");
  EXPECT_EQ(t.client_of("Bearer AAAAbbbbCCCCdddd-_.~"), "bank-risk");
  EXPECT_FALSE(t.client_of("Bearer 0123456789abcdef012"));   // a prefix is not the token
  EXPECT_FALSE(t.client_of("Bearer 0123456789abcdef01234"));  // nor a longer one
  EXPECT_FALSE(t.client_of("Basic 0123456789abcdef0123"));
  EXPECT_FALSE(t.client_of(""));
  EXPECT_FALSE(t.client_of("Bearer "));
}

TEST(TokenTable, RejectsMalformedFilesNamingTheLine) {
  for (const std::string bad : {"bank-crm short\n", "bank-crm 0123456789abcdef0123 extra\n",
                                "a 0123456789abcdef0123\nb 0123456789abcdef0123\n", "", "# only a comment\n",
                                "bad/client 0123456789abcdef0123\n"}) {
    const auto f = token_file(bad);
    EXPECT_THROW(TokenTable::load(f), Error) << "accepted: " << bad;
  }
  try {
    const auto f = token_file("ok 0123456789abcdef0123\nbank-crm short\n");
    TokenTable::load(f);
    FAIL() << "a short token was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(":2"), std::string::npos) << e.what();
  }
}

TEST(TokenTable, ConstantTimeEqualityIsEquality) {
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_constant_time("abc", "abcd"));
  EXPECT_TRUE(equal_constant_time("", ""));
}

TEST(Callbacks, ParsesAbsoluteHttpUrlsOnly) {
  const auto t = parse_callback_url("http://127.0.0.1:9000/done?x=1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->scheme, "http");
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 9000);
  const auto https = parse_callback_url("https://Crm.Bank.Example/hooks");
  ASSERT_TRUE(https);
  EXPECT_EQ(https->host, "crm.bank.example");
  EXPECT_EQ(https->port, 443);
  EXPECT_FALSE(parse_callback_url("ftp://host/x"));
  EXPECT_FALSE(parse_callback_url("http://user:pw@host/x"));
  EXPECT_FALSE(parse_callback_url("http:///x"));
  EXPECT_FALSE(parse_callback_url("http://host:99999/x"));
}

TEST(Callbacks, OnlyAllowListedHostsAndPortsAreCalled) {
  const CallbackSender none({}, {});
  EXPECT_FALSE(none.allowed(*parse_callback_url("http://127.0.0.1:9000/x"))) << "nothing is allowed by default";
  const CallbackSender some({parse_allow_entry("127.0.0.1:9000"), parse_allow_entry("crm.bank.example")}, {});
  EXPECT_TRUE(some.allowed(*parse_callback_url("http://127.0.0.1:9000/x")));
  EXPECT_FALSE(some.allowed(*parse_callback_url("http://127.0.0.1:9001/x")));
  EXPECT_TRUE(some.allowed(*parse_callback_url("https://crm.bank.example:8443/x")));
  EXPECT_FALSE(some.allowed(*parse_callback_url("http://evil.example/x")));
  EXPECT_FALSE(some.allowed(*parse_callback_url("http://crm.bank.example.evil.example/x")));
  EXPECT_THROW(parse_allow_entry("host:notaport"), Error);
}
