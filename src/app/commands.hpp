// The subcommands of the finseg CLI. Each returns the process exit code.
#pragma once

#include "app/args.hpp"
#include "parallel/communicator.hpp"

#include <string>
#include <vector>

namespace finseg {

using CommandArgs = std::vector<std::string>;

// The command line of each command (app/args.hpp): what its parser accepts and --help shows.
const CommandSpec& generate_spec();
const CommandSpec& import_spec();
const CommandSpec& export_spec();
const CommandSpec& inspect_spec();
const CommandSpec& run_spec();
const CommandSpec& get_spec();
const CommandSpec& diff_spec();
const CommandSpec& serve_spec();
const CommandSpec& report_spec();
const CommandSpec& gc_spec();
const CommandSpec& token_spec();
const CommandSpec& train_labeller_spec();

int cmd_generate(Communicator& comm, const CommandArgs& args);
int cmd_import(Communicator& comm, const CommandArgs& args);
int cmd_export(Communicator& comm, const CommandArgs& args);
int cmd_inspect(Communicator& comm, const CommandArgs& args);
int cmd_run(Communicator& comm, const CommandArgs& args);
int cmd_get(Communicator& comm, const CommandArgs& args);
int cmd_diff(Communicator& comm, const CommandArgs& args);
int cmd_serve(Communicator& comm, const CommandArgs& args);
int cmd_report(Communicator& comm, const CommandArgs& args);
int cmd_gc(Communicator& comm, const CommandArgs& args);
int cmd_token(Communicator& comm, const CommandArgs& args);
int cmd_train_labeller(Communicator& comm, const CommandArgs& args);

}  // namespace finseg
