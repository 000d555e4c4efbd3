// The service's Prometheus metrics (GET /metrics, docs/operators.md): a prometheus-cpp registry
// rendered by its text serializer through our own HTTP server (not prometheus-cpp's exposer, so
// TLS, the connection guard and the audit log hold for /metrics too).
//   finseg_jobs{state}                              gauge, set from the job table at each scrape
//   finseg_job_duration_seconds{state}              histogram of runs, launch to end (done|failed)
//   finseg_http_requests_total{method,route,status} counter; route is the template, never the path
//   finseg_last_success_timestamp_seconds           gauge, unix time of the last job that ended done
#pragma once

#include "http/job_record.hpp"

#include <map>
#include <memory>
#include <string>

namespace prometheus {
class Registry;
class Gauge;
class Histogram;
template <typename T>
class Family;
class Counter;
}  // namespace prometheus

namespace finseg::http {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void count_request(const std::string& method, const std::string& path, int status);
  void job_ended(JobState state, double run_seconds, double unix_seconds_now);
  // The text exposition (format 0.0.4) with the job gauges set to `jobs_by_state`.
  std::string render(const std::map<JobState, int>& jobs_by_state);

  // The route template of a request path: bounds the label's values whatever clients send.
  static std::string route_of(const std::string& path);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>* jobs_;
  prometheus::Family<prometheus::Histogram>* durations_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Gauge* last_success_;
};

}  // namespace finseg::http
