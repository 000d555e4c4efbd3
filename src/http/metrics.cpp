#include "http/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>

namespace finseg::http {

namespace {

// Runs last from ~1 s (a small bank, mpirun's start) to hours (a 10M-user bank on few ranks).
const prometheus::Histogram::BucketBoundaries kRunBuckets = {0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600};

}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  jobs_ = &prometheus::BuildGauge().Name("finseg_jobs").Help("Jobs in the service's table, by state").Register(*registry_);
  durations_ = &prometheus::BuildHistogram()
                    .Name("finseg_job_duration_seconds")
                    .Help("How long a job's run took, from its launch to its end, by how it ended")
                    .Register(*registry_);
  requests_ = &prometheus::BuildCounter()
                   .Name("finseg_http_requests_total")
                   .Help("HTTP requests answered, by method, route template and status")
                   .Register(*registry_);
  last_success_ = &prometheus::BuildGauge()
                       .Name("finseg_last_success_timestamp_seconds")
                       .Help("Unix time at which the last job ended done (0: none since the start)")
                       .Register(*registry_)
                       .Add({});
  for (const auto s : {JobState::queued, JobState::running, JobState::done, JobState::failed}) jobs_->Add({{"state", to_string(s)}});
  for (const auto s : {JobState::done, JobState::failed}) durations_->Add({{"state", to_string(s)}}, kRunBuckets);
}

Metrics::~Metrics() = default;

std::string Metrics::route_of(const std::string& path) {
  if (path == "/health" || path == "/metrics") return path;
  if (path.rfind("/segments/", 0) != 0) return "other";
  const auto slashes = std::count(path.begin(), path.end(), '/');
  if (slashes == 2) return "/segments/{segment}";
  if (slashes == 4 && path.size() > 8 && path.compare(path.size() - 8, 8, "/changes") == 0) return "/segments/{segment}/{jobId}/changes";
  return "/segments/{segment}/{jobId}";  // like the router: anything after the segment is a jobId
}

void Metrics::count_request(const std::string& method, const std::string& path, int status) {
  // Methods outside HTTP's own set would each make a new series: one label value for all of them.
  static const char* const kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  const bool known = std::find(std::begin(kMethods), std::end(kMethods), method) != std::end(kMethods);
  requests_->Add({{"method", known ? method : "other"}, {"route", route_of(path)}, {"status", std::to_string(status)}}).Increment();
}

void Metrics::job_ended(JobState state, double run_seconds, double unix_seconds_now) {
  durations_->Add({{"state", to_string(state)}}, kRunBuckets).Observe(run_seconds);
  if (state == JobState::done) last_success_->Set(unix_seconds_now);
}

std::string Metrics::render(const std::map<JobState, int>& jobs_by_state) {
  for (const auto s : {JobState::queued, JobState::running, JobState::done, JobState::failed}) {
    const auto it = jobs_by_state.find(s);
    jobs_->Add({{"state", to_string(s)}}).Set(it == jobs_by_state.end() ? 0 : it->second);
  }
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace finseg::http
