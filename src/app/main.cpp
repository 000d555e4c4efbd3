// finseg: financial segments over a bank's customer base (see README.md).
#include "app/collective.hpp"
#include "app/commands.hpp"
#include "core/errors.hpp"
#include "dist/communicator.hpp"

#include <malloc.h>

#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <optional>

namespace {

constexpr const char* kUsage = R"(usage: finseg <command> [options]

commands:
  generate --users N --months M --seed S --shards K --out STORE [--snapshot YYYY-MM-DD]
                                   generate a demo bank (under mpirun each rank writes its shards)
           generate and import also take [--compression none|deflate|shuffle-deflate|szip|lz4|
           shuffle-lz4|lz4hc|shuffle-lz4hc] [--deflate-level 1-9] (default shuffle-lz4hc:
           docs/store-format.md)
  import   --csv DIR --out STORE [--shards K] [--max-rejects N --rejects FILE [--replace-rejects]] [--rules FILE]
                                   import accounts.csv + transactions.csv (SEGMENTS.md 1.1); empty
                                   labels cells are labelled by the rules (docs/labeller.md)
  export   --store STORE --csv DIR write the store back to the CSV schema
  inspect  STORE [--no-verify] [--chunks]
                                   users, accounts, transactions, dates, shards, sizes; verifies checksums;
                                   --chunks lists where each dataset's chunks lie in the shard files
  run      --store STORE --results DIR [--job-id ID ...] [--queue] [--verify-store] [--lock-wait S] JOB.json ...
                                   run segment jobs in one pass (under mpirun: distributed); prints jobIds;
                                   every byte read is checked (HDF5 metadata checksums, Fletcher32 per
                                   chunk); --verify-store also checks each shard file's whole CRC-32;
                                   --queue only validates, assigns jobIds and marks them queued (for
                                   scripts/finseg-submit); SIGTERM/SIGUSR1 save partials and exit 75
  get      --results DIR [--manifest] JOBID
                                   print a job's result document
  gc       --results DIR [--store STORE] [--dry-run]
                                   remove what killed runs and imports left (staged documents,
                                   checkpoints nobody can resume, lock files, STORE.tmp-*), never
                                   anything a live run owns
  diff     --results DIR [--job-id ID] [--threshold RULE ...] [--thresholds FILE] OLD_JOBID NEW_JOBID
                                   who entered, left or changed between two results of the same segment
                                   and request (docs/changes.md); prints the changes' jobId (finseg get)
  serve    --store STORE --results DIR --port P (--tokens FILE | --no-auth) [--launcher local|slurm]
           [--bind ADDR] [--ranks N] [--max-running N] [--expiry-days D] [--callback-allow HOST[:PORT]]
           [--tls-cert FILE --tls-key FILE | --plain-http-behind-proxy] [--audit-log FILE]
           [--max-connections N] [--max-connections-per-client N] [--request-timeout S]
                                   the segments HTTP API (docs/openapi.yaml); jobs run as finseg run;
                                   SIGHUP reloads tokens and certificate, reopens the audit log
  token    new CLIENT --tokens FILE | hash --tokens FILE
                                   print a new API token of CLIENT (the file keeps its SHA-256 only);
                                   hash: convert a clear-text token file to hashes
  report   --results DIR --out FILE.html [--title T] JOBID [JOBID ...]
                                   one self-contained HTML page (SVG charts, no script) of finished jobs:
                                   segment sizes and distributions, and the entered / left / changed
                                   counts of changes jobIds (finseg diff) among them; under mpirun the
                                   documents are split across the ranks

exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input data, 4 bad store, 5 bad job, 6 I/O error,
            7 busy (another run of the jobIds is alive), 10 not ready, 11 not found, 12 job failed,
            13 jobs not comparable (diff), 75 interrupted (retry); docs/exit-codes.md
)";

using Command = int (*)(finseg::Communicator&, const finseg::CommandArgs&);

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
      {"generate", finseg::cmd_generate},
      {"import", finseg::cmd_import},
      {"export", finseg::cmd_export},
      {"inspect", finseg::cmd_inspect},
      {"run", finseg::cmd_run},
      {"get", finseg::cmd_get},
      {"diff", finseg::cmd_diff},
      {"serve", finseg::cmd_serve},
      {"report", finseg::cmd_report},
      {"gc", finseg::cmd_gc},
      {"token", finseg::cmd_token},
  };
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
    if (comm->is_root()) std::cout << kUsage;
    return argc < 2 ? static_cast<int>(finseg::ExitCode::usage) : 0;
  }
  const auto it = commands.find(argv[1]);
  int code = 0;
  bool every_rank_knows = false;  // a collective error, or a usage error (same argv on every rank)
  try {
    if (it == commands.end()) throw finseg::UsageError(std::string("unknown command '") + argv[1] + "' (finseg --help)");
    code = it->second(*comm, finseg::CommandArgs(argv + 2, argv + argc));
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
