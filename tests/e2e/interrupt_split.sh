#!/usr/bin/env bash
# Interruption and resume with the scan's split units (the last shards of a run at np > 1 are
# scanned as ranges of their users, a checkpoint file each: docs/performance.md 2.3): a bank of 2
# shards at 2 ranks is all split units. SIGUSR1 once 5 of the 8 parts are saved: exit 75. The rerun at
# 1 rank (which splits nothing) resumes the shards whose parts are all there, recomputes the
# others whole after removing their parts, and its documents are byte-identical to an
# uninterrupted run's; the checkpoint is gone after it. Then the same at 3 ranks (other splits).
source "$(dirname "$0")/lib.sh"
pids=()
cleanup() { for p in ${pids[@]+"${pids[@]}"}; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
"$FINSEG" generate --users 300 --months 8 --seed 31 --shards 2 --snapshot 2026-09-30 --out "$WORK/bank" >/dev/null
jobs=("$FINSEG_SOURCE_DIR"/jobs/*.json)
ids() { for j in "${jobs[@]}"; do printf -- '--job-id\n%s-%s\n' "$1" "$(basename "$j" .json)"; done; }
mapfile -t ref_ids < <(ids ref)
expect_exit 0 "$FINSEG" run --store "$WORK/bank" --results "$WORK/res" "${ref_ids[@]}" "${jobs[@]}"
parts() { find "$WORK/res/.checkpoint" -name 'shard-*.users-*.part' 2>/dev/null | wc -l; }
complete_shards() {  # shards all of whose 4 parts are saved
  local n=0 s
  for s in 00000 00001; do [ "$(find "$WORK/res/.checkpoint" -name "shard-$s.users-*.part" 2>/dev/null | wc -l)" = 4 ] && n=$((n + 1)); done
  echo "$n"
}

for rerun_np in 1 3; do
  mapfile -t run_ids < <(ids "run$rerun_np")
  FINSEG_TEST_SHARD_DELAY_MS=400 "$MPIEXEC" -np 2 --oversubscribe "$FINSEG" run --store "$WORK/bank" --results "$WORK/res" \
    "${run_ids[@]}" "${jobs[@]}" >"$WORK/run.out" 2>"$WORK/run.err" &
  run=$!; pids+=("$run")
  # Wait for one shard all of whose 4 parts are saved, and 5 parts in all: the ranks take the
  # units in order but finish them in any order under load (5 parts saved may be 3 + 2).
  for _ in $(seq 500); do [ "$(parts)" -ge 5 ] && [ "$(complete_shards)" -ge 1 ] && break; sleep 0.02; done
  [ "$(parts)" -ge 5 ] && [ "$(complete_shards)" -ge 1 ] ||
    { cat "$WORK/run.err"; fail "5 split units' files, one shard's all, did not appear at 2 ranks"; }
  kill -USR1 "$run"
  set +e; wait "$run"; got=$?; set -e
  [ "$got" = 75 ] || { cat "$WORK/run.err"; fail "SIGUSR1: expected exit 75, got $got"; }
  saved=$(parts)
  [ "$saved" -ge 5 ] && [ "$saved" -lt 8 ] || fail "after SIGUSR1: $saved of 8 parts saved (want 5 to 7)"
  complete=$(complete_shards)
  [ "$complete" = 1 ] || fail "$complete shards complete in $saved parts"
  expect_exit 0 mpi "$rerun_np" "$FINSEG" run --store "$WORK/bank" --results "$WORK/res" "${run_ids[@]}" "${jobs[@]}"
  grep -q "resuming from .*: 1 of 2 shards" "$WORK/err" || fail "the rerun did not resume the shard in parts: $(cat "$WORK/err")"
  grep -q "holds parts of shard .*, not all of it; the shard is recomputed" "$WORK/err" || fail "the incomplete parts are not reported: $(cat "$WORK/err")"
  for j in "${jobs[@]}"; do
    name=$(basename "$j" .json)
    cmp "$WORK/res/ref-$name/result.json" "$WORK/res/run$rerun_np-$name/result.json" || fail "$name: the document resumed at np=$rerun_np differs"
    cmp "$WORK/res/ref-$name/result.idx" "$WORK/res/run$rerun_np-$name/result.idx" || fail "$name: the index resumed at np=$rerun_np differs"
  done
  [ -z "$(find "$WORK/res/.checkpoint" -name '*.part' 2>/dev/null)" ] || fail "the checkpoint of a completed run was left behind"
  echo "np=2 interrupted with $saved of 8 parts saved, resumed at np=$rerun_np: byte-identical"
done
grep -q '"userId"' "$WORK/res/ref-$(basename "${jobs[0]}" .json)/result.json" || fail "the reference selects nobody: the test proves nothing"
