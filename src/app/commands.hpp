// The subcommands of the finseg CLI. Each returns the process exit code.
#pragma once

#include "dist/communicator.hpp"

#include <string>
#include <vector>

namespace finseg {

using CommandArgs = std::vector<std::string>;

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

}  // namespace finseg
