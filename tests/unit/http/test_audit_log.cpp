// The audit log's lines, without a server: one JSON object per line whatever a request carries,
// and the file opened for appending with mode 0600, reopened after a rotation.
#include "core/errors.hpp"
#include "http/audit_log.hpp"
#include "io/atomic_file.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

using namespace finseg;
using namespace finseg::http;

namespace {
AuditEvent event() {
  AuditEvent e;
  e.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1790000000123));
  e.client = "bank-crm";
  e.remote = "10.1.2.3:51234";
  e.method = "GET";
  e.route = "/segments/lowBalance/0f1e2d3c-0000-4000-8000-000000000000";
  e.job_id = "0f1e2d3c-0000-4000-8000-000000000000";
  e.status = 200;
  e.bytes = 1234;
  return e;
}
}  // namespace

TEST(AuditLog, OneJsonObjectPerLineWithTheFieldsInOrder) {
  EXPECT_EQ(audit_line(event()),
            R"({"time":"2026-09-21T14:13:20.123Z","client":"bank-crm","remote":"10.1.2.3:51234","method":"GET",)"
            R"("route":"/segments/lowBalance/0f1e2d3c-0000-4000-8000-000000000000","jobId":"0f1e2d3c-0000-4000-8000-000000000000",)"
            R"("status":200,"bytes":1234})"
            "\n");
  AuditEvent refused = event();
  refused.client.reset();
  refused.job_id.reset();
  refused.status = 401;
  refused.forwarded_for = "203.0.113.9";
  const auto j = nlohmann::ordered_json::parse(audit_line(refused));
  EXPECT_TRUE(j["client"].is_null());
  EXPECT_TRUE(j["jobId"].is_null());
  EXPECT_EQ(j["forwardedFor"], "203.0.113.9");
}

TEST(AuditLog, ControlCharactersAndBadUtf8CannotSplitOrForgeALine) {
  AuditEvent e = event();
  e.route = "/segments/x\n{\"client\":\"admin\"}\r\x01\x7f\xff\xfe end";
  e.method = "GET\tX";
  const std::string line = audit_line(e);
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos) << line;
  EXPECT_NE(line.find(R"(x\n{\"client\":\"admin\"}\r\u0001)"), std::string::npos) << line;
  const auto j = nlohmann::json::parse(line);  // valid JSON, valid UTF-8
  EXPECT_EQ(j["client"], "bank-crm");
  EXPECT_EQ(j["method"], "GET\tX");
}

TEST(AuditLog, AppendsWithMode0600AndReopensAfterRotation) {
  const auto dir = std::filesystem::temp_directory_path() / ("finseg-audit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "audit.jsonl";
  {
    AuditLog log(file);
    log.record(event());
    std::filesystem::rename(file, dir / "audit.jsonl.1");  // logrotate
    log.record(event());                                    // still the old file
    log.reopen();
    log.record(event());
  }
  struct stat st{};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(read_file(dir / "audit.jsonl.1"), audit_line(event()) + audit_line(event()));
  EXPECT_EQ(read_file(file), audit_line(event()));
  std::filesystem::remove_all(dir);
  EXPECT_THROW(AuditLog{dir / "no-such-folder" / "audit.jsonl"}, IoError);
}
