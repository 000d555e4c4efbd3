#!/usr/bin/env bash
# Surviving interruption without Slurm, under mpirun:
#  - SIGUSR1 to mpirun (forwarded to every rank) mid-run: exit 75, per-shard checkpoint saved,
#    no result, `finseg get` says not ready; a run of other jobIds does not resume from it;
#  - the rerun at another rank count, stopped again by SIGTERM sent to the ranks themselves (what
#    Slurm does): exit 75 again, more shards saved;
#  - a checkpoint file damaged in between is reported and its shard recomputed (CRC);
#  - the final rerun at a third rank count completes: documents byte-identical to an
#    uninterrupted run, checkpoint and staged folders removed;
#  - SIGKILL of one rank: mpirun ends the run within seconds, nothing committed; the rerun completes;
#  - SIGTERM to mpirun: Open MPI's exit 1, nothing committed; through scripts/finseg-mpirun: exit 75.
# FINSEG_TEST_SHARD_DELAY_MS slows each shard so that the signals surely land mid-run.
source "$(dirname "$0")/lib.sh"
pids=()
cleanup() { for p in ${pids[@]+"${pids[@]}"}; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
shards=48
"$FINSEG" generate --users 1200 --months 14 --seed 29 --shards $shards --snapshot 2026-09-30 --out "$WORK/bank" >/dev/null
jobs=("$FINSEG_SOURCE_DIR"/jobs/quarterly/*.json)
ids() { for j in "${jobs[@]}"; do printf -- '--job-id\n%s-%s\n' "$1" "$(basename "$j" .json)"; done; }
mapfile -t ref_ids < <(ids ref)
mapfile -t run_ids < <(ids run)
mapfile -t kill_ids < <(ids kill)
first_id="run-$(basename "${jobs[0]}" .json)"

mpi 2 "$FINSEG" run --store "$WORK/bank" --results "$WORK/res" "${ref_ids[@]}" "${jobs[@]}" >/dev/null 2>"$WORK/ref.log" \
  || { cat "$WORK/ref.log"; fail "uninterrupted run failed"; }

# start NP VAR ARGS...: an mpirun in the background, slowed down; its pid in $VAR
start() {
  local np=$1 var=$2; shift 2
  FINSEG_TEST_SHARD_DELAY_MS=150 "$MPIEXEC" -np "$np" --oversubscribe "$FINSEG" run --store "$WORK/bank" --results "$WORK/res" "$@" \
    >"$WORK/$var.out" 2>"$WORK/$var.err" &
  printf -v "$var" '%s' $!
  pids+=($!)
}
# wait_running ID: until the run has planned (its jobs are marked running), then a moment more
wait_running() {
  for _ in $(seq 200); do grep -qs '"status": "running"' "$WORK/res/$1.pending.json" && break; sleep 0.05; done
  grep -qs '"status": "running"' "$WORK/res/$1.pending.json" || fail "the run of $1 did not start"
  sleep 0.8
}
# finish PID NAME WANT: waits for the mpirun, checks its exit code
finish() {
  set +e; wait "$1"; local got=$?; set -e
  [ "$got" = "$3" ] || { cat "$WORK/$2.err"; fail "$2: expected exit $3, got $got"; }
}
saved() { find "$WORK/res/.checkpoint" -name 'shard-*.part' 2>/dev/null | wc -l; }

# 1. SIGUSR1 to mpirun at 2 ranks.
start 2 run1 "${run_ids[@]}" "${jobs[@]}"
wait_running "$first_id"
kill -USR1 "$run1"
finish "$run1" run1 75
n1=$(saved)
[ "$n1" -gt 0 ] && [ "$n1" -lt $shards ] || fail "after SIGUSR1: $n1 of $shards shards saved (want some, not all)"
grep -q "interrupted" "$WORK/run1.err" || fail "the interruption is not reported: $(cat "$WORK/run1.err")"
[ -z "$(find "$WORK/res" -path '*/run-*/result.json')" ] || fail "an interrupted run committed a result"
expect_exit 10 "$FINSEG" get --results "$WORK/res" "$first_id"
# Another run (other jobIds) never resumes from this checkpoint.
expect_exit 0 "$FINSEG" run --store "$WORK/bank" --results "$WORK/res" --job-id other "${jobs[0]}"
! grep -q "resuming" "$WORK/err" || fail "a run of other jobs resumed from the checkpoint: $(cat "$WORK/err")"

# 2. Rerun at 3 ranks, stopped by SIGTERM to every rank (as Slurm signals the tasks).
start 3 run2 "${run_ids[@]}" "${jobs[@]}"
wait_running "$first_id"
grep -q "resuming from .*: $n1 of $shards shards" "$WORK/run2.err" || fail "the rerun did not resume: $(cat "$WORK/run2.err")"
ranks=$(pgrep -P "$run2" -d ' ' || true)
[ "$(wc -w <<<"$ranks")" = 3 ] || fail "expected 3 rank processes under mpirun, found '$ranks'"
kill -TERM $ranks
finish "$run2" run2 75
n2=$(saved)
[ "$n2" -gt "$n1" ] && [ "$n2" -lt $shards ] || fail "after the second interruption: $n2 shards saved (before: $n1)"

# A damaged checkpoint file is not trusted: its CRC fails and its shard is computed again.
damaged=$(find "$WORK/res/.checkpoint" -name 'shard-*.part' | sort | head -1)
printf 'XXXX' | dd of="$damaged" bs=1 seek=$(( $(stat -c %s "$damaged") / 2 )) conv=notrunc status=none

# 3. The final rerun at 1 rank completes, byte-identical to the uninterrupted run.
expect_exit 0 "$FINSEG" run --store "$WORK/bank" --results "$WORK/res" "${run_ids[@]}" "${jobs[@]}"
grep -q "checkpoint $damaged cannot be used (.*checksum mismatch" "$WORK/err" || fail "the damaged checkpoint file was not reported: $(cat "$WORK/err")"
grep -q "resuming from .*: $((n2 - 1)) of $shards shards" "$WORK/err" || fail "the last rerun did not resume: $(cat "$WORK/err")"
for j in "${jobs[@]}"; do
  name=$(basename "$j" .json)
  [ -s "$WORK/res/ref-$name/result.json" ] || fail "no reference document for $name"
  cmp "$WORK/res/ref-$name/result.json" "$WORK/res/run-$name/result.json" || fail "$name: the resumed document differs"
done
grep -q '"userId"' "$WORK/res/ref-$(basename "${jobs[0]}" .json)/result.json" || fail "the reference selects nobody: the test proves nothing"
[ "$(saved)" = 0 ] || fail "the checkpoint of a completed run was left behind"
[ -z "$(find "$WORK/res" -maxdepth 1 -name '.tmp-*')" ] || fail "staged folders were left behind: $(ls -a "$WORK/res")"

# 4. SIGKILL of one rank: the run ends at once, nothing committed; the rerun completes.
start 2 run3 "${kill_ids[@]}" "${jobs[@]}"
wait_running "kill-$(basename "${jobs[0]}" .json)"
victim=$(pgrep -P "$run3" | tail -1)
[ -n "$victim" ] || fail "no rank process to kill"
t0=$(date +%s)
kill -9 "$victim"
set +e; wait "$run3"; got=$?; set -e
[ "$got" != 0 ] || fail "mpirun exited 0 after a rank was killed"
[ $(( $(date +%s) - t0 )) -le 20 ] || fail "mpirun took $(( $(date +%s) - t0 )) s to end after a rank was killed"
[ -z "$(find "$WORK/res" -path '*/kill-*/result.json')" ] || fail "a result was committed by a run with a killed rank"
expect_exit 0 "$FINSEG" run --store "$WORK/bank" --results "$WORK/res" "${kill_ids[@]}" "${jobs[@]}"
for j in "${jobs[@]}"; do
  name=$(basename "$j" .json)
  cmp "$WORK/res/ref-$name/result.json" "$WORK/res/kill-$name/result.json" || fail "$name: the rerun after SIGKILL differs"
done
# 5. SIGTERM to mpirun itself (issue 16 item 10). Open MPI 4.1 keeps SIGTERM for itself: it ends
# the job (SIGTERM to the ranks, SIGKILL 1 s later) and exits 1, never 75, whatever the ranks did.
# Nothing is committed and a rerun completes. scripts/finseg-mpirun turns SIGTERM into the
# SIGUSR1 mpirun forwards: exit 75, shards saved, and the rerun resumes from them.
mapfile -t term_ids < <(ids term)
start 2 run4 "${term_ids[@]}" "${jobs[@]}"
wait_running "term-$(basename "${jobs[0]}" .json)"
kill -TERM "$run4"
set +e; wait "$run4"; got=$?; set -e
[ "$got" != 0 ] && [ "$got" != 75 ] || fail "SIGTERM to mpirun: exit $got; docs/operators.md says Open MPI ends the job with exit 1"
echo "SIGTERM to mpirun: exit $got (Open MPI's own code)"
[ -z "$(find "$WORK/res" -path '*/term-*/result.json')" ] || fail "a result was committed after SIGTERM to mpirun"
FINSEG_TEST_SHARD_DELAY_MS=150 MPIEXEC="$MPIEXEC" "$FINSEG_SOURCE_DIR/scripts/finseg-mpirun" -np 2 --oversubscribe \
  "$FINSEG" run --store "$WORK/bank" --results "$WORK/res" "${term_ids[@]}" "${jobs[@]}" >"$WORK/run5.out" 2>"$WORK/run5.err" &
run5=$!; pids+=("$run5")
wait_running "term-$(basename "${jobs[0]}" .json)"
kill -TERM "$run5"
finish "$run5" run5 75
grep -q "interrupted by a stop signal" "$WORK/run5.err" || fail "finseg-mpirun: no interruption reported: $(cat "$WORK/run5.err")"
expect_exit 10 "$FINSEG" get --results "$WORK/res" "term-$(basename "${jobs[0]}" .json)"
expect_exit 0 "$FINSEG" run --store "$WORK/bank" --results "$WORK/res" "${term_ids[@]}" "${jobs[@]}"
grep -q "resuming from" "$WORK/err" || fail "the rerun after finseg-mpirun's exit 75 did not resume: $(cat "$WORK/err")"
for j in "${jobs[@]}"; do
  name=$(basename "$j" .json)
  cmp "$WORK/res/ref-$name/result.json" "$WORK/res/term-$name/result.json" || fail "$name: the rerun after SIGTERM differs"
done
echo "interrupted twice ($n1, then $n2 of $shards shards saved), resumed at 3 and 1 ranks: byte-identical; SIGKILL ends the run, rerun completes; SIGTERM: mpirun $got, finseg-mpirun 75"
