#!/usr/bin/env bash
# The service's fault behaviour: 404 while a job is queued or running (held back by a gated
# launcher and --max-running 1); a restart after SIGKILL keeps done jobs and runs the queued and
# running ones again under the same jobId; and a job that cannot run ends as 500 JOB_FAILED,
# never as 404 forever: a launcher that exits non-zero, a command that does not exist, a corrupt
# store shard, a run longer than --job-timeout.
source "$(dirname "$0")/http_lib.sh"
"$FINSEG" generate --users 60 --months 14 --seed 5 --shards 2 --out "$WORK/store" > /dev/null
UC01=$(request_of "$FINSEG_SOURCE_DIR/jobs/uc01-recurring-overdraft.json")
UC02=$(request_of "$FINSEG_SOURCE_DIR/jobs/uc02-high-liquidity-checking.json")
"$FINSEG" run --store "$WORK/store" --results "$WORK/ref" --job-id uc01 --job-id uc02 \
  "$FINSEG_SOURCE_DIR/jobs/uc01-recurring-overdraft.json" "$FINSEG_SOURCE_DIR/jobs/uc02-high-liquidity-checking.json" > /dev/null 2>&1

# A launcher that holds every job until the gate file exists, then runs it.
export GATE="$WORK/gate"
printf '#!/bin/sh\nwhile [ ! -e "$GATE" ]; do sleep 0.05; done\nexec "$@"\n' > "$WORK/gated"
chmod +x "$WORK/gated"
GATED="$WORK/gated {finseg} run --store {store} --results {results} --job-id {jobId} {jobFile}"

touch "$GATE"
# --coalesce-max 1: the second job must wait behind the first, not join its run.
start_service r1 --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tokens" --max-running 1 --coalesce-max 1 --launch-command "$GATED"
done_id=$(post highBalance "$ALICE" "$UC02")
wait_status 200 highBalance "$done_id" "$ALICE"
rm "$GATE"
running=$(post lowBalance "$ALICE" "$UC01")
queued=$(post highBalance "$BOB" "$UC02")
for i in $(seq 300); do grep -q "job $running started" "$WORK/r1.log" && break; sleep 0.1; done
expect 404 GET "/segments/lowBalance/$running" "$ALICE"; body_has NOT_READY; body_has running
expect 404 GET "/segments/highBalance/$queued" "$BOB"; body_has NOT_READY; body_has queued
"$FINSEG" get --results "$WORK/results" "$queued" > /dev/null 2>&1 && fail "finseg get: queued job not 'not ready'"
kill -9 "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true
# The running job's launcher went with the service (SIGTERM at its parent's death).
for i in $(seq 300); do pgrep -f "job-id $running" > /dev/null || break; sleep 0.1; done
pgrep -f "job-id $running" > /dev/null && fail "the launcher of $running outlived the killed service"

start_service r2 --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tokens" --max-running 1 --coalesce-max 1 --launch-command "$GATED"
expect 200 GET "/segments/highBalance/$done_id" "$ALICE"
cmp -s "$WORK/body" "$WORK/ref/uc02/result.json" || fail "done job changed across the restart"
expect 404 GET "/segments/lowBalance/$running" "$ALICE"
expect 404 GET "/segments/highBalance/$queued" "$BOB"
expect 400 GET "/segments/highBalance/$queued" "$ALICE"
touch "$GATE"
wait_status 200 lowBalance "$running" "$ALICE"
cmp -s "$WORK/body" "$WORK/ref/uc01/result.json" || fail "restarted job $running: document differs from finseg run's"
wait_status 200 highBalance "$queued" "$BOB"
cmp -s "$WORK/body" "$WORK/ref/uc02/result.json" || fail "restarted job $queued: document differs from finseg run's"
stop_service "$SERVICE_PID"

# 500 JOB_FAILED: the launcher exits non-zero, or cannot be executed at all.
start_service fail1 --store "$WORK/store" --results "$WORK/failing" --tokens "$WORK/tokens" --launch-command 'false {jobId}'
id=$(post highBalance "$ALICE" "$UC02")
wait_status 500 highBalance "$id" "$ALICE" 10; body_has JOB_FAILED; body_has "exited with code 1"
set +e; "$FINSEG" get --results "$WORK/failing" "$id" > /dev/null 2>&1; code=$?; set -e
[ "$code" = 12 ] || fail "finseg get of a failed job: exit $code, expected 12"
stop_service "$SERVICE_PID"
start_service fail2 --store "$WORK/store" --results "$WORK/failing" --tokens "$WORK/tokens" --launch-command "$WORK/no-such-launcher {jobId}"
id=$(post highBalance "$ALICE" "$UC02")
wait_status 500 highBalance "$id" "$ALICE" 10; body_has "not found"
stop_service "$SERVICE_PID"

# 500 JOB_FAILED: a shard of the store is corrupted after the service started.
cp -r "$WORK/store" "$WORK/corrupt"
start_service corrupt --store "$WORK/corrupt" --results "$WORK/corrupt-results" --tokens "$WORK/tokens" --mpiexec "$MPIEXEC"
shard=$(find "$WORK/corrupt" -name '*.h5' | sort | head -1)
[ -n "$shard" ] || fail "no shard file found in the store"
# in a dataset the job reads: a run verifies what it reads (Fletcher32 per chunk), not the whole file
read -r at len < <("$FINSEG" inspect --chunks "$WORK/corrupt" | awk -v f="$(basename "$shard")" '$1 == f && $2 == "/transactions/amount" && $3 == 0 {print $4, $5}')
[ "${len:-0}" -gt 32 ] || fail "no chunk of /transactions/amount found in $shard"
printf 'garbage!garbage!' | dd of="$shard" bs=1 seek=$((at + len / 2)) conv=notrunc status=none
id=$(post highBalance "$ALICE" "$UC02")
wait_status 500 highBalance "$id" "$ALICE" 20; body_has JOB_FAILED; body_has "bad store"
stop_service "$SERVICE_PID"

# 500 JOB_FAILED: a job held longer than --job-timeout is stopped and failed.
rm "$GATE"
# The timeout leaves a few seconds for the 404 check before it, even on a loaded CI machine.
start_service timeout --store "$WORK/store" --results "$WORK/slow" --tokens "$WORK/tokens" --job-timeout 4 --launch-command "$GATED"
id=$(post highBalance "$ALICE" "$UC02")
expect 404 GET "/segments/highBalance/$id" "$ALICE"
wait_status 500 highBalance "$id" "$ALICE" 20; body_has "job timeout"
stop_service "$SERVICE_PID"

# Refusals at start: no tokens and no --no-auth; --no-auth on a non-loopback address.
set +e
"$FINSEG" serve --store "$WORK/store" --results "$WORK/x" --port 0 > /dev/null 2>&1; a=$?
"$FINSEG" serve --store "$WORK/store" --results "$WORK/x" --port 0 --no-auth --bind 0.0.0.0 > /dev/null 2>&1; b=$?
set -e
[ "$a" = 2 ] && [ "$b" = 2 ] || fail "serve without auth: exits $a and $b, expected 2 (usage)"
echo "http faults: not-ready 404, restart, failed launcher, corrupt store, timeout ok"
