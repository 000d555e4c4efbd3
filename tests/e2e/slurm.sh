#!/usr/bin/env bash
# A real single-node Slurm started here for the test (its own munged, slurmctld and slurmd, all
# in a temp folder, on free ports; every daemon is stopped at the end):
#  - the quarterly run submitted through scripts/quarterly --slurm (scripts/finseg-submit, then
#    slurm/finseg-run.sbatch under srun --mpi=pmix) gives documents byte-identical to a direct
#    mpirun run; the jobIds are printed at once and `finseg get` says not ready before the end;
#  - interrupted mid-run (scancel --signal=USR1 --batch: what --signal=B:USR1@60 does before the
#    time limit), the batch job saves its partials, requeues itself, and the requeued run resumes
#    and gives byte-identical documents;
#  - the mpirun variant of the batch script gives the same documents;
#  - a rank killed with SIGKILL under srun ends the job at once, nothing is committed, and a
#    resubmission of the same jobIds completes;
#  - from the bank's CSV export (--csv): import and all segments as one Slurm job at the same
#    ranks (and the same without Slurm) give the documents of the run over the generated store;
#    the jobs are queued from submission on (`finseg get`: 10 while the batch job is held), and
#    a CSV with a bad row ends them failed with the import's error (12; --wait exits 3).
# Skipped (exit 77) where Slurm is not installed, we are not root, or the daemons do not start.
source "$(dirname "$0")/lib.sh"
skip() { echo "SKIP: $*"; exit 77; }
for tool in munged slurmctld slurmd sbatch squeue scontrol scancel srun; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/install-deps installs slurmctld slurmd slurm-client munge)"
done
[ "$(id -u)" = 0 ] || skip "a private Slurm with SlurmUser=root needs root"

S="$WORK/slurm"
mkdir -p "$S/state" "$S/spool" "$S/log"
stop_daemons() {
  export SLURM_CONF="$S/slurm.conf"
  [ -f "$S/slurm.conf" ] && timeout 10 scancel --full --quiet --user=root --partition=finsegtest 2>/dev/null || true
  local name pid
  for name in slurmd slurmctld munged; do
    pid=$(cat "$S/$name.pid" 2>/dev/null || true)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for name in slurmd slurmctld munged; do
    pid=$(cat "$S/$name.pid" 2>/dev/null || true)
    [ -n "$pid" ] || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap 'stop_daemons; rm -rf "$WORK"' EXIT

# munge with its own key and socket.
dd if=/dev/urandom of="$S/munge.key" bs=1024 count=1 status=none
chmod 600 "$S/munge.key"
munged --force --key-file="$S/munge.key" --socket="$S/munge.sock" --pid-file="$S/munged.pid" \
  --log-file="$S/log/munged.log" --seed-file="$S/munge.seed" 2>"$S/log/munged.err" || skip "munged does not start: $(cat "$S/log/munged.err")"

node=$(hostname -s)
port=$(( 20000 + RANDOM % 20000 ))
cat >"$S/slurm.conf" <<CONF
ClusterName=finsegtest
SlurmctldHost=$node
SlurmctldPort=$port
SlurmdPort=$(( port + 1 ))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire: a requeued job waits this long before it starts again (default 120 s).
AuthInfo=socket=$S/munge.sock,cred_expire=5
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
ReturnToService=2
JobRequeue=1
MinJobAge=600
# Start a requeued job as soon as it may (the main scheduling loop runs every 60 s by default).
SchedulerParameters=sched_interval=1
KillWait=5
InactiveLimit=0
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MailProg=/bin/true
NodeName=$node CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=finsegtest Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
export SLURM_CONF="$S/slurm.conf"
slurmctld -f "$SLURM_CONF" 2>"$S/log/slurmctld.err" || skip "slurmctld does not start: $(cat "$S/log/slurmctld.err")"
slurmd -f "$SLURM_CONF" 2>"$S/log/slurmd.err" || skip "slurmd does not start: $(cat "$S/log/slurmd.err")"
for _ in $(seq 150); do
  [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
  sleep 0.2
done
[ "$(sinfo -h -o %T 2>/dev/null)" = idle ] || skip "the Slurm node does not come up: $(sinfo 2>&1); $(tail -3 "$S/log/slurmctld.log")"
echo "Slurm up: $(sinfo -h -o '%P %T %N') on port $port"

# More ranks than CPUs on a small test machine (sbatch reads SBATCH_OVERCOMMIT).
export FINSEG_BIN="$FINSEG" SBATCH_OVERCOMMIT=1
quarterly="$FINSEG_SOURCE_DIR/scripts/quarterly"
"$FINSEG" generate --users 1200 --months 14 --seed 41 --shards 48 --snapshot 2026-09-30 --out "$WORK/bank" >/dev/null
q=(--store "$WORK/bank" --results "$WORK/res" --quarter-end 2026-09-30)
names=()
for j in "$FINSEG_SOURCE_DIR"/jobs/quarterly/*.json; do names+=("$(basename "$j" .json)"); done

# The reference: the same quarterly run, directly under mpirun.
"$quarterly" "${q[@]}" --ranks 2 --id-prefix ref >/dev/null 2>"$WORK/ref.log" || { cat "$WORK/ref.log"; fail "direct run failed"; }
same_as_ref() {  # same_as_ref PREFIX WHAT
  for n in "${names[@]}"; do
    [ -s "$WORK/res/$1-$n/result.json" ] || { cat "$WORK/res/.slurm/"*.out 2>/dev/null | tail -20; fail "$2: no document for $n"; }
    cmp "$WORK/res/ref-$n/result.json" "$WORK/res/$1-$n/result.json" || fail "$2: $n differs from the direct mpirun run"
  done
}
# The tests grep the log file itself: under pipefail, `slurm_log | grep -q` fails when grep exits
# at an early match before cat has written the rest (SIGPIPE).
slurm_file() { echo "$WORK/res/.slurm/finseg-$1.out"; }
slurm_log() { cat "$(slurm_file "$1")"; }
grep -q '"userId"' "$WORK/res/ref-${names[0]}/result.json" || fail "the reference selects nobody: the test would prove nothing"

# 1. The quarterly run through Slurm: jobIds at once, not ready until the end, then identical.
FINSEG_TEST_SHARD_DELAY_MS=40 "$quarterly" "${q[@]}" --ranks 3 --id-prefix sl --slurm >"$WORK/sl.ids" 2>"$WORK/sl.err" \
  || { cat "$WORK/sl.err"; fail "submission failed"; }
[ "$(wc -l <"$WORK/sl.ids")" = "${#names[@]}" ] || fail "submit did not print one jobId per job: $(cat "$WORK/sl.ids")"
expect_exit 10 "$FINSEG" get --results "$WORK/res" "sl-${names[0]}"
sid=$(sed -n 's/.*Slurm job \([0-9]*\).*/\1/p' "$WORK/sl.err" | head -1)
[ -n "$sid" ] || fail "no Slurm job id reported: $(cat "$WORK/sl.err")"
for _ in $(seq 600); do [ -z "$(squeue -h -j "$sid" -t PD,R,CG,CF 2>/dev/null)" ] && break; sleep 0.1; done
same_as_ref sl "quarterly via Slurm (srun, 3 ranks)"
grep -q "srun --mpi=pmix" "$(slurm_file "$sid")" || fail "the batch job did not run srun --mpi=pmix: $(slurm_log "$sid")"

# 2. Interrupted mid-run: checkpoint, exit 75, requeue, resume; --wait follows the requeue.
FINSEG_TEST_SHARD_DELAY_MS=120 "$quarterly" "${q[@]}" --ranks 2 --id-prefix rq --slurm --wait >"$WORK/rq.ids" 2>"$WORK/rq.err" &
waiter=$!
for _ in $(seq 300); do grep -qs '"status": "running"' "$WORK/res/rq-${names[0]}.pending.json" && break; sleep 0.1; done
grep -qs '"status": "running"' "$WORK/res/rq-${names[0]}.pending.json" || { cat "$WORK/rq.err"; fail "the batch job did not start"; }
sid=$(sed -n 's/.*Slurm job \([0-9]*\) (log.*/\1/p' "$WORK/rq.err" | head -1)
sleep 1
scancel --signal=USR1 --batch "$sid"
set +e; wait "$waiter"; rc=$?; set -e
grep -q "requeueing job $sid" "$(slurm_file "$sid")" || { slurm_log "$sid"; fail "the interrupted job was not requeued"; }
grep -q "resuming from .*shards are done already" "$(slurm_file "$sid")" || { slurm_log "$sid"; fail "the requeued job did not resume"; }
[ "$rc" = 0 ] || { cat "$WORK/rq.err"; slurm_log "$sid"; fail "finseg-submit --wait exited $rc"; }
grep -q "RUNNING" "$WORK/rq.err" && [ "$(grep -c 'RUNNING' "$WORK/rq.err")" -ge 2 ] || fail "--wait did not follow the requeue: $(cat "$WORK/rq.err")"
grep -q "Restarts=1" <<< "$(scontrol -o show job "$sid")" || fail "Slurm does not count one restart: $(scontrol -o show job "$sid")"
same_as_ref rq "interrupted, requeued and resumed under Slurm"
[ -z "$(find "$WORK/res/.checkpoint" -name '*.part' 2>/dev/null)" ] || fail "the checkpoint was left behind"

# 3. The mpirun variant of the batch script.
"$quarterly" "${q[@]}" --ranks 2 --id-prefix mr --slurm --launcher mpirun --wait >/dev/null 2>"$WORK/mr.err" \
  || { cat "$WORK/mr.err"; cat "$WORK/res/.slurm/"*.out | tail; fail "the mpirun variant failed"; }
same_as_ref mr "the mpirun variant under Slurm"

# 4. SIGKILL of one rank under srun: the step ends at once, nothing is committed; resubmitting completes.
FINSEG_TEST_SHARD_DELAY_MS=120 "$quarterly" "${q[@]}" --ranks 2 --id-prefix kl --slurm --wait >/dev/null 2>"$WORK/kl.err" &
waiter=$!
for _ in $(seq 300); do grep -qs '"status": "running"' "$WORK/res/kl-${names[0]}.pending.json" && break; sleep 0.1; done
sleep 0.5
victim=$(pgrep -f -- "--results $WORK/res --job-id kl-" | head -1 || true)
[ -n "$victim" ] || fail "no rank of the kl run to kill"
t0=$(date +%s)
kill -9 "$victim"
set +e; wait "$waiter"; rc=$?; set -e
[ "$rc" != 0 ] || fail "finseg-submit --wait exited 0 after a rank was killed"
[ $(( $(date +%s) - t0 )) -le 30 ] || fail "the job took $(( $(date +%s) - t0 )) s to end after a rank was killed"
[ -z "$(find "$WORK/res" -path '*/kl-*/result.json')" ] || fail "a result was committed by a job with a killed rank"
"$quarterly" "${q[@]}" --ranks 2 --id-prefix kl --slurm --wait >/dev/null 2>"$WORK/kl2.err" \
  || { cat "$WORK/kl2.err"; fail "the resubmission after SIGKILL failed"; }
same_as_ref kl "resubmitted after SIGKILL"
# 5. From the bank's CSV export: import + all segments as one Slurm job at the same ranks, and
# the same without Slurm; the documents are those of the run over the generated store (--labels
# none: the export's empty labels cells stay empty, as in the generated store).
"$FINSEG" export --store "$WORK/bank" --csv "$WORK/bank-csv" >/dev/null
gzip "$WORK/bank-csv/transactions.csv"
cq=(--results "$WORK/res" --quarter-end 2026-09-30 --csv "$WORK/bank-csv" --import-arg --shards=7 --import-arg --labels=none)
"$quarterly" "${cq[@]}" --store "$WORK/csv-store" --ranks 2 --id-prefix cd >/dev/null 2>"$WORK/cd.err" \
  || { cat "$WORK/cd.err"; fail "quarterly --csv without Slurm failed"; }
same_as_ref cd "quarterly from CSV (mpirun)"
# Held (sbatch --hold) so that it surely has not started: the jobs are queued from submission on
# (finseg get: 10, not 11), although their store does not exist yet.
"$quarterly" "${cq[@]}" --store "$WORK/csv-store-sl" --ranks 2 --id-prefix cs --slurm --sbatch-arg --hold >"$WORK/cs.ids" 2>"$WORK/cs.err" \
  || { cat "$WORK/cs.err"; fail "quarterly --csv --slurm failed"; }
sid=$(sed -n 's/.*Slurm job \([0-9]*\) (log.*/\1/p' "$WORK/cs.err" | head -1)
[ -n "$sid" ] || fail "no Slurm job id reported: $(cat "$WORK/cs.err")"
[ "$(wc -l <"$WORK/cs.ids")" = "${#names[@]}" ] || fail "submit --csv did not print one jobId per job: $(cat "$WORK/cs.ids")"
[ ! -e "$WORK/csv-store-sl" ] || fail "the store exists before the held batch job ran"
while read -r id; do expect_exit 10 "$FINSEG" get --results "$WORK/res" "$id"; done <"$WORK/cs.ids"
scontrol release "$sid"
for _ in $(seq 1200); do [ -z "$(squeue -h -j "$sid" -t PD,R,CG,CF 2>/dev/null)" ] && break; sleep 0.1; done
same_as_ref cs "quarterly from CSV via Slurm"
grep -q "importing $WORK/bank-csv into $WORK/csv-store-sl" "$(slurm_file "$sid")" || { slurm_log "$sid"; fail "the batch job did not import"; }
[ "$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['shards']))" "$WORK/csv-store-sl/manifest.json")" = 7 ] ||
  fail "the import arguments did not reach the batch job"
# 6. From a CSV with a bad row: the import fails inside the batch job; its jobs, queued at
# submission, end failed with the import's error (finseg get: 12), --wait exits with its code (3).
mkdir "$WORK/bad-csv"
cp "$WORK/bank-csv/accounts.csv" "$WORK/bad-csv/"
zcat "$WORK/bank-csv/transactions.csv.gz" | sed '3s/,[^,]*$/,NOT_A_LABEL/' >"$WORK/bad-csv/transactions.csv"
set +e
"$FINSEG_SOURCE_DIR/scripts/finseg-submit" --csv "$WORK/bad-csv" --import-arg --labels=none --store "$WORK/bad-store" \
  --results "$WORK/res" --ranks 2 --wait "$FINSEG_SOURCE_DIR"/jobs/quarterly/*.json >"$WORK/bad.ids" 2>"$WORK/bad.err"
rc=$?
set -e
[ "$rc" = 3 ] || { cat "$WORK/bad.err"; cat "$WORK/res/.slurm/"*.out | tail; fail "finseg-submit --wait over a bad CSV exited $rc, not the import's 3"; }
[ "$(wc -l <"$WORK/bad.ids")" = "${#names[@]}" ] || fail "submit --csv did not print one jobId per job: $(cat "$WORK/bad.ids")"
[ ! -e "$WORK/bad-store" ] || fail "the failed import left a store"
while read -r id; do
  expect_exit 12 "$FINSEG" get --results "$WORK/res" "$id"
  grep -q "failed: the import of $WORK/bad-csv into $WORK/bad-store failed (exit 3): CSV import" "$WORK/err" &&
    grep -q "^transactions.csv:3: column 'labels' value 'NOT_A_LABEL'" "$WORK/err" ||
    { cat "$WORK/err"; fail "finseg get does not give the import's error"; }
done <"$WORK/bad.ids"
# A --store that exists and was not imported from the CSV is refused at submission: nothing queued.
expect_exit 6 "$FINSEG_SOURCE_DIR/scripts/finseg-submit" --csv "$WORK/bad-csv" --store "$WORK/bank" --results "$WORK/res" \
  --job-id other-store "$FINSEG_SOURCE_DIR/jobs/quarterly/${names[0]}.json"
grep -q "exists and was not imported from $WORK/bad-csv" "$WORK/err" || { cat "$WORK/err"; fail "the refusal does not say why"; }
[ ! -e "$WORK/res/other-store.pending.json" ] || fail "a job was queued over a store that is not the CSV's"
echo "Slurm: quarterly via srun and mpirun byte-identical to mpirun; USR1 -> checkpoint -> requeue -> resume; SIGKILL fails fast, resubmission completes; from CSV (import + run in one job, queued from submission; a bad row fails the jobs with the import's error)"
