#!/usr/bin/env bash
# The operators' side of `finseg serve` (docs/operators.md "Health and metrics", "Coalescing"):
# GET /health without a token, 200 when the store, the results folder and the launcher are fine
# and 503 naming the failing check (never a path) when one is not; GET /metrics in the Prometheus
# text format, behind a token unless --metrics-token-free, its counters moving with requests and
# jobs; jobs POSTed within the coalescing window run as ONE `finseg run`, each result
# byte-identical to a solo run's; a failing coalesced run fails each of its jobs with the reason.
source "$(dirname "$0")/http_lib.sh"
"$FINSEG" generate --users 150 --months 16 --seed 11 --shards 3 --out "$WORK/store" > /dev/null
jobs=("$FINSEG_SOURCE_DIR"/jobs/*.json)
ids=()
for j in "${jobs[@]}"; do ids+=(--job-id "ref-$(basename "$j" .json)"); done
"$FINSEG" run --store "$WORK/store" --results "$WORK/ref" "${ids[@]}" "${jobs[@]}" > /dev/null 2>&1

# prom_check FILE: every line is a comment (# HELP/# TYPE) or `name{labels} value` (text format 0.0.4).
prom_check() {
  python3 - "$1" <<'PY' || fail "metrics: not the Prometheus text format: $(cat "$1")"
import re, sys
sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?([0-9.e+-]+|NaN|\+Inf|-Inf)$')
lines = open(sys.argv[1]).read().splitlines()
assert lines, "empty"
for l in lines:
    if l.startswith("# HELP ") or l.startswith("# TYPE "): continue
    assert sample.match(l), l
PY
}
# metric NAME_AND_LABELS: the value of one sample in $WORK/metrics (0 when absent).
metric() { python3 - "$WORK/metrics" "$1" <<'PY'
import sys
v = [l.rsplit(" ", 1)[1] for l in open(sys.argv[1]).read().splitlines() if l.rsplit(" ", 1)[0] == sys.argv[2]]
print(int(float(v[0])) if v else 0)
PY
}
scrape() { expect 200 GET /metrics "$1"; cp "$WORK/body" "$WORK/metrics"; prom_check "$WORK/metrics"; }

# A window far longer than the POSTs take even on a loaded machine: the batch starts when full.
start_service ops --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tokens" --mpiexec "$MPIEXEC" --ranks 2 \
  --coalesce-ms 60000 --coalesce-max ${#jobs[@]}

# Health: no token needed, nothing but ok/failing per check.
expect 200 GET /health ""
body_has '"status":"ok"'
body_has '"checks":{"launcher":"ok","results":"ok","store":"ok"}'
grep -qF "$WORK" "$WORK/body" && fail "health reveals a path: $(cat "$WORK/body")"

# Metrics: a token unless --metrics-token-free; the text format; no jobId or raw path in labels.
expect 401 GET /metrics ""
expect 401 GET /metrics "not-a-token"
scrape "$ALICE"
grep -q '^# TYPE finseg_job_duration_seconds histogram' "$WORK/metrics" || fail "no duration histogram"
post201=$(metric 'finseg_http_requests_total{method="POST",route="/segments/{segment}",status="201"}')
health200=$(metric 'finseg_http_requests_total{method="GET",route="/health",status="200"}')
[ "$health200" -ge 1 ] || fail "GET /health not counted"

# Coalescing: the example jobs POSTed within the window run as one finseg run; each document is
# byte-identical to the solo reference.
declare -A posted
for j in "${jobs[@]}"; do posted[$j]=$(post "$(segment_of "$j")" "$ALICE" "$(request_of "$j")"); done
for j in "${jobs[@]}"; do
  wait_status 200 "$(segment_of "$j")" "${posted[$j]}" "$ALICE" 120
  cmp -s "$WORK/body" "$WORK/ref/ref-$(basename "$j" .json)/result.json" || fail "$(basename "$j"): coalesced document differs from a solo run's"
done
grep -q "one run of ${#jobs[@]} jobs" "$WORK/ops.log" || fail "the ${#jobs[@]} jobs did not run as one: $(grep started "$WORK/ops.log")"
[ "$(grep -c ' started (' "$WORK/ops.log")" = "${#jobs[@]}" ] || fail "expected ${#jobs[@]} started lines"
scrape "$BOB"
[ "$(metric 'finseg_http_requests_total{method="POST",route="/segments/{segment}",status="201"}')" = $((post201 + ${#jobs[@]})) ] \
  || fail "POST 201 counter did not move by ${#jobs[@]}: $(grep requests_total "$WORK/metrics")"
[ "$(metric 'finseg_jobs{state="done"}')" = "${#jobs[@]}" ] || fail "finseg_jobs done: $(grep '^finseg_jobs' "$WORK/metrics")"
[ "$(metric 'finseg_job_duration_seconds_count{state="done"}')" = "${#jobs[@]}" ] || fail "duration histogram count"
[ "$(metric 'finseg_last_success_timestamp_seconds')" -gt 1600000000 ] || fail "last success time not set"
[ "$(metric 'finseg_http_requests_total{method="GET",route="/segments/{segment}/{jobId}",status="200"}')" -ge "${#jobs[@]}" ] || fail "GET 200 not counted"
for j in "${jobs[@]}"; do grep -qF "${posted[$j]}" "$WORK/metrics" && fail "a jobId appears in the metrics"; done

# Health failing: the results folder replaced by a file (root ignores permissions), then the store gone.
mv "$WORK/results" "$WORK/results.away" && touch "$WORK/results"
expect 503 GET /health ""
body_has '"results":"failing"'
body_has '"status":"failing"'
rm "$WORK/results" && mv "$WORK/results.away" "$WORK/results"
expect 200 GET /health ""
mv "$WORK/store" "$WORK/store.away"
expect 503 GET /health ""
body_has '"store":"failing"'
grep -q "health: store failing: the store is not readable" "$WORK/ops.log" || fail "the reason is not in the service log"
mv "$WORK/store.away" "$WORK/store"
expect 200 GET /health ""
scrape "$ALICE"
[ "$(metric 'finseg_http_requests_total{method="GET",route="/health",status="503"}')" = 2 ] || fail "503s of /health not counted"
stop_service "$SERVICE_PID"

# One failed coalesced run fails each of its jobs with the reason: a shard of the store is lost
# after the service started (the requests are valid; the run exits 4, bad store). Here the batch
# is not full (3 of 16): the window closing starts it (8 s: headroom for slow POSTs under load).
cp -r "$WORK/store" "$WORK/store2"
start_service broken --store "$WORK/store2" --results "$WORK/results2" --tokens "$WORK/tokens" --mpiexec "$MPIEXEC" --ranks 2 \
  --coalesce-ms 8000 --coalesce-max 16 --metrics-token-free
rm "$WORK/store2/shard-00001.h5"
failed=()
for j in "${jobs[@]:0:3}"; do failed+=("$(segment_of "$j") $(post "$(segment_of "$j")" "$BOB" "$(request_of "$j")")"); done
for f in "${failed[@]}"; do
  set -- $f
  wait_status 500 "$1" "$2" "$BOB" 120
  body_has '"code":"JOB_FAILED"'
  body_has 'bad store'
done
grep -q "one run of 3 jobs" "$WORK/broken.log" || fail "the 3 jobs did not run as one"
scrape ""  # --metrics-token-free
[ "$(metric 'finseg_jobs{state="failed"}')" = 3 ] || fail "finseg_jobs failed: $(grep '^finseg_jobs' "$WORK/metrics")"
[ "$(metric 'finseg_job_duration_seconds_count{state="failed"}')" = 3 ] || fail "failed runs not observed"
[ "$(metric 'finseg_last_success_timestamp_seconds')" = 0 ] || fail "no job succeeded here"
stop_service "$SERVICE_PID"

# The launcher check: an mpiexec that does not exist makes the service unhealthy (jobs could not start).
start_service nolauncher --store "$WORK/store" --results "$WORK/results3" --tokens "$WORK/tokens" --mpiexec /nonexistent/mpirun
expect 503 GET /health ""
body_has '"launcher":"failing"'
stop_service "$SERVICE_PID"
echo "http_ops: OK"
