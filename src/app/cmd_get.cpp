#include "app/args.hpp"
#include "app/commands.hpp"
#include "core/text_limits.hpp"
#include "io/atomic_file.hpp"
#include "results/results_dir.hpp"
#include "results/results_stream.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <limits>
#include <utility>

namespace finseg {

const CommandSpec& get_spec() {
  static const CommandSpec spec{"get", "print a job's result document",
                                "Exit 0 done, 10 not ready, 11 no such jobId, 12 the job failed.", "JOBID",
                                {option("results", "DIR", "the results folder").required(),
                                 flag("manifest", "print the job's manifest instead (also of a pending or failed job)"),
                                 choice("format", "FORMAT", "json (the document as written), ndjson (a user per line) or csv "
                                        "(docs/formats.md)", {"json", "ndjson", "csv"}, "json").excluding("manifest")}};
  return spec;
}


namespace {

// The segment of a done job (for the CSV layout) and whether it is a changes document, from its manifest.
std::pair<std::string, DocumentKind> segment_of(const ResultsDir& results, const std::string& id) {
  const std::string manifest = results.read_manifest(id);
  try {
    if (!json_depth_error(manifest)) {
      const auto m = nlohmann::json::parse(manifest);
      return {m.at("segment").get<std::string>(), m.value("kind", "") == "changes" ? DocumentKind::changes : DocumentKind::result};
    }
  } catch (const std::exception&) {
  }
  throw IoError(results.job_dir(id).string() + "/manifest.json: no segment in it");
}

// The document in `format`, streamed: memory stays a chunk whatever the document's size.
void print_document(const ResultsDir& results, const std::string& id, DocumentFormat format) {
  const auto [segment, kind] = segment_of(results, id);
  DocumentStream stream(results.job_dir(id) / "result.json", format, segment, 0, std::numeric_limits<std::uint64_t>::max(), "", kind);
  std::string chunk;
  while (stream.next_chunk(chunk)) {
    std::cout << chunk;
    chunk.clear();
  }
  if (!std::cout.flush()) throw IoError("cannot write the document to standard output");
}

}  // namespace

// Prints a job's document by jobId. Exit codes: 0 done, 10 not ready, 11 not found, 12 failed.
// --format json (the document as written) | ndjson (a user per line) | csv (docs/formats.md).
int cmd_get(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, get_spec());
  if (args.positional().size() != 1) throw UsageError("get takes one JOBID");
  const auto format = parse_document_format(args.get("format").value_or("json"));
  if (!format) throw UsageError("--format " + *args.get("format") + ": json, ndjson or csv expected");
  if (!comm.is_root()) return 0;
  const std::string id = args.positional()[0];
  const std::filesystem::path dir = args.require("results");
  if (!std::filesystem::is_directory(dir)) throw IoError("no results folder " + dir.string());
  const ResultsDir results(dir);
  switch (results.state(id)) {
    case ResultsDir::State::done:
      if (args.flag("manifest")) std::cout << results.read_manifest(id);
      else if (*format == DocumentFormat::json) std::cout << results.read_result(id);
      else print_document(results, id, *format);
      return 0;
    case ResultsDir::State::pending:
      if (args.flag("manifest")) std::cout << results.read_manifest(id);
      std::fprintf(stderr, "finseg get: job %s is not ready yet (queued or running)\n", id.c_str());
      return static_cast<int>(ExitCode::not_ready);
    case ResultsDir::State::failed: {
      const std::string manifest = results.read_manifest(id);
      if (args.flag("manifest")) std::cout << manifest;
      std::string error = "unknown error";
      try {
        if (!json_depth_error(manifest)) error = nlohmann::json::parse(manifest).value("error", error);
      } catch (const std::exception&) {
      }
      std::fprintf(stderr, "finseg get: job %s failed: %s\n", id.c_str(), error.c_str());
      return static_cast<int>(ExitCode::job_failed);
    }
    case ResultsDir::State::not_found: break;
  }
  std::fprintf(stderr, "finseg get: no job %s in %s\n", id.c_str(), dir.c_str());
  return static_cast<int>(ExitCode::not_found);
}

}  // namespace finseg
