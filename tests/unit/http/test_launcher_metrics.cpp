// How a coalesced launch expands the command template, and the bounded route label of the
// request counter.
#include "core/errors.hpp"
#include "http/launcher.hpp"
#include "http/metrics.hpp"

#include <gtest/gtest.h>

namespace finseg::http {
namespace {

LaunchVars vars() { return LaunchVars{"/bin/finseg", "mpirun", "2", "/s", "/r"}; }

TEST(LauncherExpand, OneJobIsTheTemplateAsBefore) {
  const Launcher l(Launcher::Mode::local, Launcher::default_template(Launcher::Mode::local));
  const std::vector<std::string> want = {"mpirun", "-np", "2", "/bin/finseg", "run", "--store", "/s", "--results", "/r", "--job-id", "a", "/sp/a.json"};
  EXPECT_EQ(l.expand(vars(), {{"a", "/sp/a.json", "highBalance"}}), want);
}

TEST(LauncherExpand, ManyJobsRepeatThePerJobWordsWithTheirOption) {
  const Launcher l(Launcher::Mode::slurm, Launcher::default_template(Launcher::Mode::slurm));
  const std::vector<std::string> want = {"finseg-submit", "--store", "/s", "--results", "/r", "--job-id", "a", "--job-id", "b",
                                         "--job-id", "c", "/sp/a.json", "/sp/b.json", "/sp/c.json"};
  EXPECT_EQ(l.expand(vars(), {{"a", "/sp/a.json", "x"}, {"b", "/sp/b.json", "y"}, {"c", "/sp/c.json", "z"}}), want);
}

TEST(LauncherExpand, OptionWithEqualsAndPlaceholderInsideAWord) {
  const Launcher l(Launcher::Mode::local, "wrap --id={jobId} --log /l/{jobId}.log --ranks {ranks} {segment}:{jobFile}");
  const std::vector<std::string> want = {"wrap", "--id=a", "--id=b", "--log", "/l/a.log", "--log", "/l/b.log", "--ranks", "2", "s1:/a", "s2:/b"};
  EXPECT_EQ(l.expand(vars(), {{"a", "/a", "s1"}, {"b", "/b", "s2"}}), want);
}

TEST(LauncherProgram, FoundOnPathOrNamedWhenNot) {
  EXPECT_FALSE(Launcher(Launcher::Mode::local, "sh -c true").program_problem(vars()));
  EXPECT_FALSE(Launcher(Launcher::Mode::local, "/bin/sh {jobFile}").program_problem(vars()));
  const auto missing = Launcher(Launcher::Mode::local, "no-such-launcher-xyz {jobFile}").program_problem(vars());
  ASSERT_TRUE(missing);
  EXPECT_NE(missing->find("no-such-launcher-xyz"), std::string::npos);
  EXPECT_TRUE(Launcher(Launcher::Mode::local, "{finseg} run {jobFile}").program_problem(LaunchVars{"/nonexistent/finseg", "", "", "", ""}));
}

TEST(MetricsRoute, TemplatesNeverThePath) {
  EXPECT_EQ(Metrics::route_of("/segments/highBalance"), "/segments/{segment}");
  EXPECT_EQ(Metrics::route_of("/segments/highBalance/abc123"), "/segments/{segment}/{jobId}");
  EXPECT_EQ(Metrics::route_of("/segments/x/a/b/c"), "/segments/{segment}/{jobId}");
  EXPECT_EQ(Metrics::route_of("/segments/x/abc/changes"), "/segments/{segment}/{jobId}/changes");
  EXPECT_EQ(Metrics::route_of("/health"), "/health");
  EXPECT_EQ(Metrics::route_of("/metrics"), "/metrics");
  EXPECT_EQ(Metrics::route_of("/etc/passwd"), "other");
}

TEST(MetricsRender, CountersAndJobGaugesInTheTextFormat) {
  Metrics m;
  m.count_request("GET", "/segments/highBalance/job-1", 404);
  m.count_request("GET", "/segments/highBalance/job-2", 404);
  m.count_request("BREW", "/x", 400);
  m.job_ended(JobState::done, 3.0, 1700000000.0);
  const std::string text = m.render({{JobState::queued, 2}, {JobState::done, 5}});
  EXPECT_NE(text.find("finseg_http_requests_total{method=\"GET\",route=\"/segments/{segment}/{jobId}\",status=\"404\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("method=\"other\",route=\"other\",status=\"400\"} 1"), std::string::npos) << text;
  EXPECT_EQ(text.find("job-1"), std::string::npos);
  EXPECT_NE(text.find("finseg_jobs{state=\"queued\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("finseg_jobs{state=\"running\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("finseg_job_duration_seconds_count{state=\"done\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("finseg_last_success_timestamp_seconds 1700000000"), std::string::npos) << text;
}

}  // namespace
}  // namespace finseg::http
