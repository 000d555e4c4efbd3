#include "http/segments_api.hpp"

#include "core/date.hpp"
#include "core/errors.hpp"
#include "core/segments/request.hpp"
#include "core/text_limits.hpp"
#include "http/log.hpp"
#include "http/query.hpp"
#include "http/result_answers.hpp"
#include "io/atomic_file.hpp"
#include "results/job_file.hpp"
#include "results/json_value.hpp"
#include "results/results_diff.hpp"
#include "results/results_dir.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace finseg::http {

namespace {

constexpr const char* kJson = "application/json";
const std::string kOneJob = R"(/segments/([^/]+)/(.+))";  // anything after the segment is the jobId: a bad one is a 400, never a 404
const std::string kSegment = R"(/segments/([^/]+))";
const std::string kChanges = R"(/segments/([^/]+)/([^/]+)/changes)";

void error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  const nlohmann::json body = {{"errors", nlohmann::json::array({{{"message", message}, {"code", code}}})}};
  res.status = status;
  // A message may quote what the client sent: invalid UTF-8 in it must not turn a 4xx into a 500.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), kJson);
}

void method_not_allowed(httplib::Response& res, const std::string& allow) {
  res.set_header("Allow", allow);
  error(res, 405, "METHOD_NOT_ALLOWED", "method not allowed here (allowed: " + allow + ")");
}

void unauthorized(httplib::Response& res) {
  res.set_header("WWW-Authenticate", "Bearer realm=\"finseg\"");
  error(res, 401, "UNAUTHORIZED", "missing or invalid bearer token");
}

// "WHAT: not valid UTF-8 at byte N", or nullopt when `text` is valid UTF-8.
std::optional<std::string> utf8_error(const std::string& what, const std::string& text) {
  const auto at = invalid_utf8_at(text);
  if (!at) return std::nullopt;
  return what + ": not valid UTF-8 at byte " + std::to_string(*at);
}

std::string all_segments() {
  return "highBalance, lowBalance, incomeSpendingSummary, financialBreakdown, insuranceSpending";
}

}  // namespace

SegmentsApi::SegmentsApi(JobQueue& jobs, const TokenTable& tokens, Taxonomy taxonomy, std::size_t body_limit)
    : jobs_(jobs), tokens_(tokens), taxonomy_(std::move(taxonomy)), body_limit_(body_limit) {}

std::optional<std::string> SegmentsApi::authenticate(const httplib::Request& req, httplib::Response& res) const {
  auto client = tokens_.client_of(req.get_header_value("Authorization"));
  if (!client) unauthorized(res);
  return client;
}

void SegmentsApi::install(httplib::Server& server) {
  server.Post(kSegment, [this](const httplib::Request& req, httplib::Response& res) { post_job(req, res); });
  server.Get(kChanges, [this](const httplib::Request& req, httplib::Response& res) { get_changes(req, res); });  // before kOneJob
  server.Get(kOneJob, [this](const httplib::Request& req, httplib::Response& res) { get_job(req, res); });
  server.Get(kSegment, [](const httplib::Request&, httplib::Response& res) { method_not_allowed(res, "POST"); });
  server.Post(kOneJob, [](const httplib::Request&, httplib::Response& res) { method_not_allowed(res, "GET, HEAD"); });
  for (const auto& [pattern, allow] : {std::pair{kSegment, "POST"}, std::pair{kOneJob, "GET, HEAD"}}) {
    const std::string a = allow;
    const auto reject = [a](const httplib::Request&, httplib::Response& res) { method_not_allowed(res, a); };
    server.Put(pattern, reject);
    server.Patch(pattern, reject);
    server.Delete(pattern, reject);
    server.Options(pattern, reject);
  }
  server.set_payload_max_length(body_limit_);
  // Answers httplib makes itself (no route, body too large, malformed request) get the same
  // error body; a body over the limit is a 400 like every other bad body (401 without a token).
  server.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;  // ours already
    if (res.status == 413) {
      if (!tokens_.client_of(req.get_header_value("Authorization"))) unauthorized(res);
      else error(res, 400, "BAD_REQUEST", "request body: larger than " + std::to_string(body_limit_) + " bytes");
    } else if (res.status == 404) {
      error(res, 404, "NOT_FOUND", "no such resource (POST /segments/{segment}, GET /segments/{segment}/{jobId})");
    } else {
      error(res, res.status, res.status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST", "the request could not be handled");
    }
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log_line("internal error on " + req.method + " " + req.path + ": " + what);
    error(res, 500, "INTERNAL_ERROR", "internal error");
  });
}

void SegmentsApi::post_job(const httplib::Request& req, httplib::Response& res) {
  const auto client = authenticate(req, res);
  if (!client) return;
  const std::string name = req.matches[1];
  if (const auto bad = utf8_error("segment path", name)) return error(res, 400, "BAD_REQUEST", *bad);
  const auto segment = parse_segment(name);
  if (!segment) return error(res, 404, "NOT_FOUND", "no segment '" + name + "' (" + all_segments() + ")");
  if (req.body.size() > body_limit_)
    return error(res, 400, "BAD_REQUEST", "request body: larger than " + std::to_string(body_limit_) + " bytes");
  // Query parameters only: httplib also puts the fields of a form-encoded body into req.params
  // (curl -d sends that content type), and the body is JSON whatever its content type says.
  httplib::Params query;
  if (const auto q = req.target.find('?'); q != std::string::npos) httplib::detail::parse_query_text(req.target.substr(q + 1), query);
  std::optional<std::string> creation_date;
  if (times_given(req, "creationDate") > 1)  // also the same value twice: httplib keeps that pair once
    return error(res, 400, "BAD_REQUEST", "query parameter 'creationDate': given more than once");
  for (const auto& [key, value] : query) {
    if (const auto bad = utf8_error("query parameter", key + "=" + value)) return error(res, 400, "BAD_REQUEST", *bad);
    if (key != "creationDate") return error(res, 400, "BAD_REQUEST", "query parameter '" + key + "': unknown (only creationDate)");
    if (!parse_date(value))
      return error(res, 400, "BAD_REQUEST", "query parameter 'creationDate': " + std::string(describe_date_error(value)) + ", got '" + value + "'");
    if (creation_date) return error(res, 400, "BAD_REQUEST", "query parameter 'creationDate': given more than once");
    creation_date = value;
  }
  if (const auto bad = utf8_error("request body", req.body)) return error(res, 400, "BAD_REQUEST", *bad);
  JsonValue body;
  SegmentRequest request;
  try {
    body = parse_json(req.body);
    request = parse_request(*segment, body, taxonomy_, "request body");  // the one validation, shared with job files
  } catch (const JsonParseError& e) {
    return error(res, 400, "BAD_REQUEST", std::string("request body: invalid JSON: ") + e.what());
  } catch (const JobError& e) {
    return error(res, 400, "BAD_REQUEST", e.what());
  }
  const std::string id = jobs_.submit(*client, name, to_json_text(body), creation_date, request.callback_url);
  log_line("job " + id + " accepted: " + name + " for client " + *client);
  res.status = 201;
  res.set_header("Location", "/segments/" + name + "/" + id);
  res.set_content(nlohmann::json({{"jobId", id}}).dump(), kJson);
}

void SegmentsApi::get_job(const httplib::Request& req, httplib::Response& res) {
  const auto client = authenticate(req, res);
  if (!client) return;
  const std::string segment = req.matches[1];
  const std::string id = req.matches[2];
  const auto not_found = [&] { error(res, 400, "NOT_FOUND", "no such job for this segment"); };
  if (!ResultsDir::valid_job_id(id)) return not_found();
  const auto rec = jobs_.find(id);
  if (!rec || rec->client != *client || rec->segment != segment) return not_found();
  switch (rec->state) {
    case JobState::queued:
    case JobState::running:
      res.set_header("Retry-After", "2");
      return error(res, 404, "NOT_READY", not_ready_message(jobs_.results().dir(), id, rec->state == JobState::running));
    case JobState::failed:
      return error(res, 500, "JOB_FAILED", "job " + id + " failed: " + rec->error);
    case JobState::done: break;
  }
  const auto page = parse_page_request(req);
  if (const auto* bad = std::get_if<std::string>(&page)) return error(res, 400, "BAD_REQUEST", *bad);
  const auto* wanted = std::get_if<PageRequest>(&page);
  try {
    answer_document(res, jobs_.results().job_dir(id) / "result.json", segment, accepted_format(req.get_header_value("Accept")),
                    wanted ? std::optional<PageRequest>(*wanted) : std::nullopt);
  } catch (const Error&) {
    if (!jobs_.find(id)) return not_found();  // expired while we read
    error(res, 500, "JOB_FAILED", "job " + id + ": the result cannot be read");
  }
}

bool SegmentsApi::answer_unless_done(const std::string& client, const std::string& segment, const std::string& id,
                                     httplib::Response& res) {
  const auto rec = ResultsDir::valid_job_id(id) ? jobs_.find(id) : std::nullopt;
  if (!rec || rec->client != client || rec->segment != segment) {
    error(res, 400, "NOT_FOUND", "no such job for this segment");
    return true;
  }
  switch (rec->state) {
    case JobState::queued:
    case JobState::running:
      res.set_header("Retry-After", "2");
      error(res, 404, "NOT_READY", "job " + id + " is " + to_string(rec->state) + "; the result is not ready yet");
      return true;
    case JobState::failed: error(res, 500, "JOB_FAILED", "job " + id + " failed: " + rec->error); return true;
    case JobState::done: return false;
  }
  return false;
}

// The changes are computed on request, in this process, from the two documents (one streaming
// pass, docs/changes.md), into a temporary folder that the answer owns: it is sent from its file
// like a result (whole, a page, NDJSON) and the folder is removed once the answer is sent.
void SegmentsApi::get_changes(const httplib::Request& req, httplib::Response& res) {
  const auto client = authenticate(req, res);
  if (!client) return;
  const std::string segment = req.matches[1];
  const std::string id = req.matches[2];
  std::string since;
  std::vector<JsonValue> rules;
  for (const auto& [key, value] : req.params) {
    if (key == "since") {
      since = value;
    } else if (key == "threshold") {
      try {
        rules.push_back(parse_json(value));
      } catch (const JsonParseError& e) {
        return error(res, 400, "BAD_REQUEST", std::string("query parameter 'threshold': invalid JSON: ") + e.what());
      }
    } else if (key != "page" && key != "perPage") {
      return error(res, 400, "BAD_REQUEST", "query parameter '" + key + "': unknown (since, threshold, page, perPage)");
    }
  }
  if (since.empty()) return error(res, 400, "BAD_REQUEST", "query parameter 'since' (the older jobId) is required");
  const auto page = parse_page_request(req);
  if (const auto* bad = std::get_if<std::string>(&page)) return error(res, 400, "BAD_REQUEST", *bad);
  const auto* wanted = std::get_if<PageRequest>(&page);
  if (answer_unless_done(*client, segment, since, res) || answer_unless_done(*client, segment, id, res)) return;
  struct TempFolder {
    std::filesystem::path dir;
    ~TempFolder() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  };
  // Shared with the content provider: removed when the answer has been sent (or on any error here).
  const auto work = std::make_shared<TempFolder>();
  work->dir = jobs_.results().dir() / ".service" / "changes" / ResultsDir::new_job_id();
  try {
    const ChangesPair pair = load_changes_pair(jobs_.results(), since, id);
    const ChangeRules change_rules(pair.segment, rules, pair.label_groups, "query parameter 'threshold'");
    std::filesystem::create_directories(work->dir);
    write_changes_serial(pair, change_rules, work->dir / "result.json");
    answer_document(res, work->dir / "result.json", segment, accepted_format(req.get_header_value("Accept")),
                    wanted ? std::optional<PageRequest>(*wanted) : std::nullopt, DocumentKind::changes, work);
  } catch (const NotComparableError& e) {
    error(res, 400, "BAD_REQUEST", e.what());
  } catch (const UsageError& e) {
    error(res, 400, "BAD_REQUEST", e.what());
  } catch (const Error& e) {
    if (!jobs_.find(id) || !jobs_.find(since)) return error(res, 400, "NOT_FOUND", "no such job for this segment");  // expired meanwhile
    log_line("changes of " + since + " -> " + id + " failed: " + e.what());
    error(res, 500, "JOB_FAILED", "the changes of job " + id + " since " + since + " cannot be computed");
  }
}

}  // namespace finseg::http
