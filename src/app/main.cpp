// finseg: financial segments over a bank's customer base (see README.md).
#include "parallel/on_every_rank.hpp"
#include "app/commands.hpp"
#include "core/errors.hpp"
#include "parallel/communicator.hpp"

#include <malloc.h>

#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

constexpr const char* kHelpFooter =
    R"(Each command's own options: finseg COMMAND --help (or finseg help COMMAND).

exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input data, 4 bad store, 5 bad job, 6 I/O error,
            7 busy (another run of the jobIds is alive), 10 not ready, 11 not found, 12 job failed,
            13 jobs not comparable (diff), 75 interrupted (retry); docs/exit-codes.md)";

struct Command {
  const finseg::CommandSpec& (*spec)();
  int (*run)(finseg::Communicator&, const finseg::CommandArgs&);
};

// A batch command's big allocations (a shard's columns, HDF5's buffer for each chunk it
// decompresses) are short-lived and repeat per shard. By default glibc serves them with mmap and
// unmaps them on free, so every shard pays the page faults of zeroed pages again: a third of a
// run's CPU was in the kernel (perf). Kept in the heap instead (allocations up to 256 MiB, the heap
// trimmed only beyond 1 GiB free): read phase 0.244 -> 0.190 s at np=2 on the 10,000-user bench
// bank, peak RSS 53 -> 58 MiB per rank (docs/performance.md).
void keep_large_allocations_in_the_heap() {
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace

int main(int argc, char** argv) {
  // The HTTP service is not an MPI program: it starts its jobs under mpirun as child processes.
  const bool mpi = !(argc >= 2 && (std::string(argv[1]) == "serve" || std::string(argv[1]) == "token"));
  if (mpi) keep_large_allocations_in_the_heap();
  std::optional<finseg::MpiSession> session;
  if (mpi) session.emplace(argc, argv);
  auto comm = mpi ? finseg::make_mpi_communicator() : finseg::make_local_communicator();
  const std::map<std::string, Command> commands = {
      {"generate", {finseg::generate_spec, finseg::cmd_generate}},
      {"import", {finseg::import_spec, finseg::cmd_import}},
      {"export", {finseg::export_spec, finseg::cmd_export}},
      {"inspect", {finseg::inspect_spec, finseg::cmd_inspect}},
      {"run", {finseg::run_spec, finseg::cmd_run}},
      {"get", {finseg::get_spec, finseg::cmd_get}},
      {"diff", {finseg::diff_spec, finseg::cmd_diff}},
      {"serve", {finseg::serve_spec, finseg::cmd_serve}},
      {"report", {finseg::report_spec, finseg::cmd_report}},
      {"gc", {finseg::gc_spec, finseg::cmd_gc}},
      {"token", {finseg::token_spec, finseg::cmd_token}},
      {"train-labeller", {finseg::train_labeller_spec, finseg::cmd_train_labeller}},
  };
  const std::string first = argc >= 2 ? argv[1] : "";
  if (first == "help" && argc == 3 && commands.count(argv[2])) {  // finseg help COMMAND: its --help
    if (comm->is_root()) std::cout << finseg::command_help(commands.at(argv[2]).spec());
    return 0;
  }
  if (argc < 2 || first == "--help" || first == "-h" || first == "help") {
    // In the order of a bank's day: build the store, run, read, serve.
    std::vector<const finseg::CommandSpec*> specs;
    for (const auto* name : {"generate", "import", "train-labeller", "export", "inspect", "run", "get", "diff", "report", "gc", "serve", "token"})
      specs.push_back(&commands.at(name).spec());
    if (comm->is_root()) std::cout << finseg::program_help(specs, kHelpFooter);
    return argc < 2 ? static_cast<int>(finseg::ExitCode::usage) : 0;
  }
  const auto it = commands.find(first);
  int code = 0;
  bool every_rank_knows = false;  // a collective error, or a usage error (same argv on every rank)
  try {
    if (it == commands.end()) throw finseg::UsageError("unknown command '" + first + "' (finseg --help)");
    code = it->second.run(*comm, finseg::CommandArgs(argv + 2, argv + argc));
  } catch (const finseg::HelpRequested& help) {  // every rank has the same argv: no one waits
    if (comm->is_root()) std::cout << help.what();
    code = 0;
  } catch (const finseg::Error& e) {
    every_rank_knows = dynamic_cast<const finseg::CollectiveError*>(&e) || dynamic_cast<const finseg::UsageError*>(&e);
    if (!every_rank_knows || comm->is_root()) std::fprintf(stderr, "finseg %s: error: %s\n", argv[1], e.what());
    code = static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finseg %s: internal error: %s\n", argv[1], e.what());
    code = static_cast<int>(finseg::ExitCode::internal);
  }
  // An error on one rank alone must not leave the others waiting in a collective: end the run.
  // An error every rank has is said once, and every rank exits normally with its code.
  if (code != 0 && !every_rank_knows && comm->size() > 1) comm->abort(code);
  return code;
}
