#!/usr/bin/env bash
# Issue 16 item 11: nothing a killed or failed run leaves behind survives, and two runs of the
# same jobs never overlap.
#  - a staged folder .tmp-<jobId>-<tag> (a merge killed) is removed by the next run of that job;
#  - a second run of the same jobIds refuses with exit 7 while the first lives (--lock-wait 0),
#    or waits for it (the default) and then finds its result;
#  - SIGKILL of mpirun: a rerun waits for the orphaned ranks, commits, and no shard file of
#    theirs appears afterwards;
#  - a failed run's checkpoint is removed;
#  - a SIGKILLed import's STORE.tmp-* is removed by the next import;
#  - `finseg gc` removes staged folders, dead checkpoints and lock files, never a live run's.
source "$(dirname "$0")/lib.sh"
pids=()
cleanup() { for p in ${pids[@]+"${pids[@]}"}; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
job="$FINSEG_SOURCE_DIR/jobs/income-spending-summary.json"
"$FINSEG" generate --users 600 --months 6 --seed 5 --shards 24 --out "$WORK/bank" >/dev/null
# slow NP NAME ARGS...: a slowed-down mpirun in the background; its pid in $slow_pid
slow() {
  local np=$1 name=$2; shift 2
  FINSEG_TEST_SHARD_DELAY_MS=200 "$MPIEXEC" -np "$np" --oversubscribe "$FINSEG" run --store "$WORK/bank" "$@" \
    >"$WORK/$name.out" 2>"$WORK/$name.err" &
  slow_pid=$!; pids+=("$slow_pid")
}
wait_parts() {  # until some shard file is written under $1/.checkpoint
  for _ in $(seq 300); do [ -n "$(find "$1/.checkpoint" -name '*.part' 2>/dev/null)" ] && return 0; sleep 0.05; done
  fail "no shard file appeared in $1/.checkpoint"
}

# 1. A staged folder of a merge that was killed (made by hand: a merge cannot be killed on cue).
mkdir -p "$WORK/r1/.tmp-j1-0b7e9c7a-1f0e-4a57-9d6c-3f0a1e2b4c5d" "$WORK/r1/.tmp-j1-4242" "$WORK/r1/.tmp-j1-x-4242"
head -c 1000000 /dev/urandom > "$WORK/r1/.tmp-j1-4242/result.json"
expect_exit 0 "$FINSEG" run --store "$WORK/bank" --results "$WORK/r1" --job-id j1 "$job"
[ -z "$(find "$WORK/r1" -maxdepth 1 -name '.tmp-j1-[04]*')" ] || fail "staged folders of j1 stay: $(ls -a "$WORK/r1")"
[ -d "$WORK/r1/.tmp-j1-x-4242" ] || fail "the staged folder of another job (j1-x) was removed"
grep -q "removed 2 staged folder(s) of job j1" "$WORK/err" || fail "the removal is not reported: $(cat "$WORK/err")"

# 2. Two runs of the same jobId: the second refuses (exit 7) while the first lives ...
slow 2 first --results "$WORK/r2" --job-id j2 "$job"
first=$slow_pid
wait_parts "$WORK/r2"
expect_exit 7 "$FINSEG" run --store "$WORK/bank" --results "$WORK/r2" --job-id j2 --lock-wait 0 "$job"
grep -q "job j2 is being computed by another run (.* pid [0-9]* since " "$WORK/err" || fail "no clear refusal: $(cat "$WORK/err")"
# ... or, waiting (default --lock-wait 10 s is too short here: 60), finds the first one's result.
expect_exit 0 "$FINSEG" run --store "$WORK/bank" --results "$WORK/r2" --job-id j2 --lock-wait 60 "$job"
grep -q "job j2 has a result already" "$WORK/err" || fail "the waiting run did not see the result: $(cat "$WORK/err")"
wait "$first" || fail "the first run failed: $(cat "$WORK/first.err")"

# 3. SIGKILL of mpirun: its orphaned ranks may run on for a moment; the rerun waits for them.
slow 2 killed --results "$WORK/r3" --job-id j3 "$job"
wait_parts "$WORK/r3"
ranks=$(pgrep -P "$slow_pid" -d ' ' || true)
kill -9 "$slow_pid"
expect_exit 0 "$FINSEG" run --store "$WORK/bank" --results "$WORK/r3" --job-id j3 --lock-wait 60 "$job"
gone() { local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || echo X); [ "$st" = X ] || [ "$st" = Z ]; }
for r in $ranks; do for _ in $(seq 100); do gone "$r" && break; sleep 0.1; done; gone "$r" || fail "rank $r runs on"; done
sleep 0.5
[ -s "$WORK/r3/j3/result.json" ] || fail "the rerun after SIGKILL committed nothing"
[ ! -e "$WORK/r3/.checkpoint" ] || fail "shard files appeared after the rerun committed: $(find "$WORK/r3/.checkpoint")"

# 4. A failed run removes its checkpoint: the smallest shard (scanned last) is damaged.
cp -r "$WORK/bank" "$WORK/bad"
small=$(/usr/bin/python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['shards']; print(min(s, key=lambda x: x['transactions'])['file'])" "$WORK/bad/manifest.json")
truncate -s 1000 "$WORK/bad/$small"
expect_exit 4 "$FINSEG" run --store "$WORK/bad" --results "$WORK/r4" --job-id j4 "$job"
expect_exit 12 "$FINSEG" get --results "$WORK/r4" j4
[ ! -e "$WORK/r4/.checkpoint" ] || fail "a failed run left its checkpoint: $(find "$WORK/r4/.checkpoint")"

# 5. A SIGKILLed import leaves STORE.tmp-*; the next import of that store removes it.
"$FINSEG" export --store "$WORK/bank" --csv "$WORK/csv" >/dev/null
"$FINSEG" import --csv "$WORK/csv" --out "$WORK/imp" >/dev/null 2>&1 &
imp=$!; pids+=("$imp")
for _ in $(seq 400); do compgen -G "$WORK/imp.tmp-*/" >/dev/null && break; sleep 0.01; done
kill -9 "$imp"; wait "$imp" 2>/dev/null || true
compgen -G "$WORK/imp.tmp-*/" >/dev/null || echo "(the import finished before it was killed: the check below still runs)"
mkdir -p "$WORK/imp.tmp-999999-deadbeef"  # an abandoned build of an earlier finseg too
expect_exit 0 "$FINSEG" import --csv "$WORK/csv" --out "$WORK/imp2"
expect_exit 0 "$FINSEG" import --csv "$WORK/csv" --out "$WORK/imp"
[ -z "$(compgen -G "$WORK/imp.tmp-*")" ] || fail "a killed import's folder stays: $(ls "$WORK")"
grep -q "left by a build that was killed" "$WORK/err" || fail "the removal is not reported: $(cat "$WORK/err")"

# 6. finseg gc: dead things go, a live run's checkpoint and lock stay.
mkdir -p "$WORK/r6/.tmp-old-1234" "$WORK/r6/.checkpoint/00000000deadbeef"
slow 1 live --results "$WORK/r6" --job-id live "$job"
live=$slow_pid
wait_parts "$WORK/r6"
expect_exit 0 "$FINSEG" run --store "$WORK/bank" --results "$WORK/r6" --job-id done1 "$job"
expect_exit 0 "$FINSEG" gc --results "$WORK/r6" --dry-run
grep -q "would remove $WORK/r6/.tmp-old-1234" "$WORK/out" && [ -e "$WORK/r6/.tmp-old-1234" ] || fail "gc --dry-run: $(cat "$WORK/out")"
expect_exit 0 "$FINSEG" gc --results "$WORK/r6" --store "$WORK/bank"
[ ! -e "$WORK/r6/.tmp-old-1234" ] && [ ! -e "$WORK/r6/.checkpoint/00000000deadbeef" ] || fail "gc left dead folders: $(cat "$WORK/out")"
[ ! -e "$WORK/r6/.locks/done1" ] || fail "gc left the lock file of a finished job"
[ -e "$WORK/r6/.locks/live" ] && [ -n "$(find "$WORK/r6/.checkpoint" -name '*.part')" ] || fail "gc removed a live run's files: $(cat "$WORK/out")"
wait "$live" || fail "the live run failed after gc: $(cat "$WORK/live.err")"
[ -s "$WORK/r6/live/result.json" ] || fail "the live run committed nothing"
echo "staged folders, failed checkpoints, killed imports removed; overlapping runs refused; orphans waited for; gc spares live runs"
