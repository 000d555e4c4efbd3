#include "app/args.hpp"
#include "app/changes_report.hpp"
#include "app/commands.hpp"
#include "io/taxonomy_file.hpp"
#include "run/batch_run.hpp"
#include "run/stop_signal.hpp"

namespace finseg {

const CommandSpec& run_spec() {
  static const CommandSpec spec{
      "run", "run segment jobs in one pass (under mpirun: distributed); prints their jobIds",
      "Every byte read is checked (HDF5 metadata checksums, Fletcher32 per chunk). SIGTERM/SIGUSR1\n"
      "save the finished shards and exit 75; a rerun with the same --job-id values resumes.",
      "JOB.json [JOB.json ...]",
      {option("store", "STORE", "the store folder").required(),
       option("results", "DIR", "the results folder").required(),
       option("job-id", "ID", "the jobId of each job file, in order (default: new UUIDs)").repeatable(),
       flag("queue", "only validate, assign jobIds and mark them queued (scripts/finseg-submit)"),
       flag("before-import", "with --queue or --mark-failed: STORE is made by an import after this (scripts/finseg-submit\n"
            "--csv); while it does not exist, the job files are checked against --taxonomy, a missing\n"
            "creationDate is the store's snapshotDate once imported, and the run checks them again"),
       option("taxonomy", "FILE", "with --before-import: the import's label taxonomy")
           .default_is("config/labels.json, or $FINSEG_TAXONOMY"),
       option("mark-failed", "REASON", "only mark the jobs failed with REASON, unless done (their import failed;\n"
              "finseg get: exit 12, REASON printed); compute nothing").excluding("queue"),
       flag("verify-store", "also check each shard file's whole CRC-32"),
       integer("progress-seconds", "S", "seconds between progress lines", 10, 1, 86400),
       integer("lock-wait", "S", "seconds to wait for another run of the jobIds to end (then exit 7)", 10, 0, 86400)}};
  return spec;
}

int cmd_run(Communicator& comm, const CommandArgs& argv) {
  const Args args(argv, run_spec());
  RunOptions options;
  options.request.job_files = args.positional();
  options.request.job_ids = args.all("job-id");
  options.request.store = args.require("store");
  options.request.results = args.require("results");
  // How long a run waits for another run of the same jobIds (or its orphaned ranks) to end.
  options.request.lock_wait = std::chrono::seconds(args.get_int("lock-wait"));
  // --queue: validate the jobs, give them jobIds and mark them queued (finseg get: not ready),
  // print the jobIds, compute nothing. A batch submission runs them later with --job-id.
  options.request.queue_only = args.flag("queue");
  // --mark-failed: the import the queued jobs waited for failed; they will never run.
  options.request.fail_reason = args.get("mark-failed").value_or("");
  if (args.has("mark-failed") && options.request.fail_reason.empty()) throw UsageError("--mark-failed needs a reason");
  options.request.before_import = args.flag("before-import");
  if (options.request.before_import && !options.request.marks_only())
    throw UsageError("--before-import goes with --queue or --mark-failed");
  if (args.has("taxonomy") && !options.request.before_import) throw UsageError("--taxonomy goes with --before-import");
  options.request.taxonomy = args.get("taxonomy").value_or(default_taxonomy_path().string());
  // --verify-store: the whole-file CRC-32 of each shard too (reads every byte of the store).
  options.verify_store = args.flag("verify-store");
  options.progress_seconds = static_cast<double>(args.get_int("progress-seconds"));
  install_stop_handlers();

  BatchRun run(comm, std::move(options));
  if (!run.plan()) return 0;
  run.scan();
  run.stop_if_asked();  // interrupted: exit 75 on every rank
  run.merge();
  run.commit();
  if (!comm.is_root()) return 0;
  write_changes_of_run(args.require("results"), run.root().all_ids, run.root().parsed);  // a job file's previousJobId (docs/changes.md)
  run.report().total = run.seconds();
  print_summary(run.report(), run.planned().jobs.size());
  return 0;
}

}  // namespace finseg
