// The HTTP service's parsers, without a server: the token file (hashes; `finseg token`), bearer
// headers, callback URLs and the callback allow-list.
#include "core/errors.hpp"
#include "http/callbacks.hpp"
#include "http/token_file.hpp"
#include "http/tokens.hpp"
#include "io/atomic_file.hpp"

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
// A token file line of a token: the way `finseg token new` writes it.
std::string line_of(const std::string& client, const std::string& token) { return client + " " + digest_text(sha256(token)) + "\n"; }
}  // namespace

TEST(TokenTable, Sha256IsTheStandardOne) {
  // FIPS 180-2's "abc" test vector.
  EXPECT_EQ(digest_text(sha256("abc")), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(TokenTable, MapsBearerTokensToTheirClientsByHash) {
  const auto f = token_file("# clients\n" + line_of("bank-crm", "0123456789abcdef0123") + "\n" + line_of("bank-risk", "AAAAbbbbCCCCdddd-_.~") +
                            line_of("bank-crm", "rotated-token-000000001"));
  const TokenTable t = TokenTable::load(f);
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.client_of("Bearer 0123456789abcdef0123"), "bank-crm");
  EXPECT_EQ(t.client_of("Bearer rotated-token-000000001"), "bank-crm");
  EXPECT_EQ(t.client_of("bearer   AAAAbbbbCCCCdddd-_.~ "), "bank-risk");
  EXPECT_FALSE(t.client_of("Bearer 0123456789abcdef012"));   // a prefix is not the token
  EXPECT_FALSE(t.client_of("Bearer 0123456789abcdef01234"));  // nor a longer one
  EXPECT_FALSE(t.client_of("Bearer " + digest_text(sha256("0123456789abcdef0123"))));  // nor its hash
  EXPECT_FALSE(t.client_of("Basic 0123456789abcdef0123"));
  EXPECT_FALSE(t.client_of(""));
  EXPECT_FALSE(t.client_of("Bearer "));
}

TEST(TokenTable, RejectsMalformedFilesNamingTheLine) {
  const std::string hash = digest_text(sha256("0123456789abcdef0123"));
  const std::vector<std::string> bad_files = {"bank-crm sha256:0123\n", "bank-crm " + hash + " extra\n", "a " + hash + "\nb " + hash + "\n",
                                              "", "# only a comment\n", "bad/client " + hash + "\n",
                                              "bank-crm sha256:" + std::string(64, 'g') + "\n", "bank-crm\n"};
  for (const std::string& bad : bad_files) {
    const auto f = token_file(bad);
    EXPECT_THROW(TokenTable::load(f), UsageError) << "accepted: " << bad;
  }
  try {
    const auto f = token_file("ok " + hash + "\nbank-crm sha256:12\n");
    TokenTable::load(f);
    FAIL() << "a short hash was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(":2"), std::string::npos) << e.what();
  }
}

TEST(TokenTable, RefusesTheClearTextFormatSayingHowToConvertIt) {
  const auto f = token_file("ok " + digest_text(sha256("x")) + "\nbank-crm 0123456789abcdef0123\n");
  try {
    TokenTable::load(f);
    FAIL() << "a clear-text token was accepted";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(f.path.string() + ":2"), std::string::npos) << what;
    EXPECT_NE(what.find("finseg token hash --tokens " + f.path.string()), std::string::npos) << what;
    EXPECT_EQ(what.find("0123456789abcdef0123"), std::string::npos) << "the message shows the token: " << what;
  }
}

TEST(TokenFile, NewTokensAreRandomAndOnlyTheirHashesAreKept) {
  const auto f = token_file("# clients\n");
  using std::filesystem::perms;
  std::filesystem::permissions(f.path, perms::owner_read | perms::owner_write | perms::group_read | perms::others_read);
  const std::string a = add_token(f, "bank-crm");
  const std::string b = add_token(f, "bank-crm");  // rotation: a second token of the same client
  const std::string c = add_token(f, "bank-risk");
  EXPECT_EQ(a.size(), 7u + 43u);  // finseg_ + 256 bits in base64url
  EXPECT_EQ(a.rfind("finseg_", 0), 0u);
  EXPECT_NE(a, b);
  const std::string content = read_file(f);
  EXPECT_EQ(content, "# clients\n" + line_of("bank-crm", a) + line_of("bank-crm", b) + line_of("bank-risk", c));
  EXPECT_EQ(content.find(a), std::string::npos);
  EXPECT_EQ(std::filesystem::status(f.path).permissions() & perms::all, perms::owner_read | perms::owner_write);
  const TokenTable t = TokenTable::load(f);
  EXPECT_EQ(t.client_of("Bearer " + b), "bank-crm");
  EXPECT_EQ(t.client_of("Bearer " + c), "bank-risk");
  EXPECT_THROW(add_token(f, "bad client"), UsageError);
  EXPECT_EQ(read_file(f), content) << "a refused token changed the file";
}

TEST(TokenFile, HashConvertsClearTextLinesAndKeepsTheRest) {
  const std::string hashed = line_of("bank-risk", "already-hashed-0000");
  const auto f = token_file("# keep me\nbank-crm 0123456789abcdef0123\n" + hashed);
  EXPECT_THROW(add_token(f, "bank-crm"), UsageError) << "a token added to a clear-text file";
  EXPECT_EQ(hash_token_file(f), 1u);
  EXPECT_EQ(read_file(f), "# keep me\n" + line_of("bank-crm", "0123456789abcdef0123") + hashed);
  EXPECT_EQ(TokenTable::load(f).client_of("Bearer 0123456789abcdef0123"), "bank-crm");
  EXPECT_EQ(hash_token_file(f), 0u);
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
