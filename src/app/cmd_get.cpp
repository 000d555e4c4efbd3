#include "app/args.hpp"
#include "app/commands.hpp"
#include "core/text_limits.hpp"
#include "io/results_dir.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace finseg {

const CommandSpec& get_spec() {
  static const CommandSpec spec{"get", "print a job's result document",
                                "Exit 0 done, 10 not ready, 11 no such jobId, 12 the job failed.", "JOBID",
                                {option("results", "DIR", "the results folder").required(),
                                 flag("manifest", "print the job's manifest instead (also of a pending or failed job)")}};
  return spec;
}

// Prints a job's document by jobId. Exit codes: 0 done, 10 not ready, 11 not found, 12 failed.
int cmd_get(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, get_spec());
  if (args.positional().size() != 1) throw UsageError("get takes one JOBID");
  if (!comm.is_root()) return 0;
  const std::string id = args.positional()[0];
  const std::filesystem::path dir = args.require("results");
  if (!std::filesystem::is_directory(dir)) throw IoError("no results folder " + dir.string());
  const ResultsDir results(dir);
  switch (results.state(id)) {
    case ResultsDir::State::done:
      std::cout << (args.flag("manifest") ? results.read_manifest(id) : results.read_result(id));
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
