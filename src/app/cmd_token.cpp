#include "app/args.hpp"
#include "app/commands.hpp"
#include "http/token_file.hpp"

#include <cstdio>

namespace finseg {

// `finseg token new CLIENT --tokens FILE`: prints a fresh token (once; only its hash is kept).
// `finseg token hash --tokens FILE`: converts a clear-text token file to hashes in place.
// Not an MPI program (main() starts no MPI session for it).
const CommandSpec& token_spec() {
  static const CommandSpec spec{"token", "print a new API token of CLIENT, or hash a clear-text token file",
                                "new CLIENT: a new token (printed once; the file keeps its SHA-256 only).\n"
                                "hash: replace the clear-text tokens of the file by their SHA-256.",
                                "new CLIENT | hash",
                                {option("tokens", "FILE", "the service's token file").required()}};
  return spec;
}

int cmd_token(Communicator& comm, const CommandArgs& argv) {
  if (comm.size() != 1) throw UsageError("token is not an MPI program: start it without mpirun");
  const Args args(argv, token_spec());
  const auto& words = args.positional();
  if (words.empty() || (words[0] != "new" && words[0] != "hash"))
    throw UsageError("usage: finseg token new CLIENT --tokens FILE | finseg token hash --tokens FILE");
  const std::string file = args.require("tokens");
  if (words[0] == "new") {
    if (words.size() != 2) throw UsageError("usage: finseg token new CLIENT --tokens FILE");
    const std::string token = http::add_token(file, words[1]);
    std::printf("%s\n", token.c_str());
    if (std::fflush(stdout) != 0 || std::ferror(stdout))  // the hash is in the file already: say what to undo
      throw IoError("cannot print the new token; the last line of " + file + " is the hash of a token nobody has: delete it");
    std::fprintf(stderr, "finseg token: a new token of client %s; %s keeps only its SHA-256, this is the only time it is shown\n",
                 words[1].c_str(), file.c_str());
    return 0;
  }
  if (words.size() != 1) throw UsageError("usage: finseg token hash --tokens FILE");
  const std::size_t n = http::hash_token_file(file);
  std::fprintf(stderr, "finseg token: %zu clear-text token%s of %s replaced by %s SHA-256 (the clients keep their tokens)\n", n,
               n == 1 ? "" : "s", file.c_str(), n == 1 ? "its" : "their");
  return 0;
}

}  // namespace finseg
