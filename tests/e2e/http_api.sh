#!/usr/bin/env bash
# The segments API end to end (SEGMENTS.md 3, docs/openapi.yaml): the four use cases (and
# incomeSpendingSummary) POSTed and polled until 200, each document byte-identical to
# `finseg run`'s for the same request; every 400 of request validation naming the field, with
# no job created; 401 without or with a wrong token; the same 400 for unknown, other-segment,
# other-client and path-character jobIds; 404/405 routes; creationDate; callbacks; expiry.
source "$(dirname "$0")/http_lib.sh"
"$FINSEG" generate --users 150 --months 16 --seed 11 --shards 3 --out "$WORK/store" > /dev/null

# The reference: every example job computed by `finseg run` (default creationDate: snapshotDate).
jobs=("$FINSEG_SOURCE_DIR"/jobs/*.json)
ids=()
for j in "${jobs[@]}"; do ids+=(--job-id "ref-$(basename "$j" .json)"); done
"$FINSEG" run --store "$WORK/store" --results "$WORK/ref" "${ids[@]}" "${jobs[@]}" > /dev/null 2>&1

# A callback receiver on the allow-list: a tiny stdlib HTTP server that appends each POST body.
cat > "$WORK/receiver.py" <<'PY'
import http.server, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[1], "ab") as f:
            f.write(self.path.encode() + b" " + body + b"\n")
        self.send_response(204); self.end_headers()
    def log_message(self, *args): pass
server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
python3 "$WORK/receiver.py" "$WORK/hooks" > "$WORK/receiver.port" &
EXTRA_PIDS=$!
for i in $(seq 300); do [ -s "$WORK/receiver.port" ] && break; sleep 0.1; done
HOOK_PORT=$(cat "$WORK/receiver.port")

start_service api --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tokens" --mpiexec "$MPIEXEC" --ranks 2 \
  --max-running 2 --body-limit 4096 --callback-allow "127.0.0.1:$HOOK_PORT"

# UC-01..UC-04 (+ incomeSpendingSummary): POST all, then poll each until 200; byte-identical.
declare -A posted
for j in "${jobs[@]}"; do
  posted[$j]=$(post "$(segment_of "$j")" "$ALICE" "$(request_of "$j")")
done
for j in "${jobs[@]}"; do
  wait_status 200 "$(segment_of "$j")" "${posted[$j]}" "$ALICE"
  cmp -s "$WORK/body" "$WORK/ref/ref-$(basename "$j" .json)/result.json" || fail "$(basename "$j"): API document differs from finseg run's"
done
# The job is findable by jobId on the command line as well.
"$FINSEG" get --results "$WORK/results" "${posted[${jobs[0]}]}" | cmp -s - "$WORK/ref/ref-$(basename "${jobs[0]}" .json)/result.json" \
  || fail "finseg get disagrees with the API"

# creationDate as a query parameter = the job file's creationDate.
echo '{"segment": "highBalance", "request": {"accountType": "savings", "threshold": 1000}, "creationDate": "2024-01-31"}' > "$WORK/dated.json"
"$FINSEG" run --store "$WORK/store" --results "$WORK/ref" --job-id dated "$WORK/dated.json" > /dev/null 2>&1
id=$(post 'highBalance?creationDate=2024-01-31' "$ALICE" '{"accountType": "savings", "threshold": 1000}')
wait_status 200 highBalance "$id" "$ALICE"
cmp -s "$WORK/body" "$WORK/ref/dated/result.json" || fail "creationDate query parameter: document differs"

# Invalid bodies: 400 BAD_REQUEST naming the field, and no job is created.
records() { ls "$WORK/results/.service/jobs" | wc -l; }
before=$(records)
bad() {  # bad SEGMENT FIELD BODY
  expect 400 POST "/segments/$1" "$ALICE" --data-binary "$3" -H 'Content-Type: application/json'
  body_has '"code":"BAD_REQUEST"'
  body_has "$2"
}
bad highBalance 'invalid JSON' '{"accountType": "checking", "threshold": 5'
bad highBalance 'invalid JSON' ''
bad highBalance 'duplicate' '{"accountType": "checking", "accountType": "savings", "threshold": 5}'
bad highBalance 'request.threshold' '{"accountType": "checking", "threshold": "5000"}'
bad highBalance 'request.threshold' '{"accountType": "checking", "threshold": 1.234}'
bad highBalance 'request.threshold' '{"accountType": "checking", "threshold": null}'
bad highBalance 'request.threshold' '{"accountType": "checking"}'
bad highBalance 'request.accountType' '{"accountType": "giro", "threshold": 5}'
bad highBalance 'request.colour' '{"accountType": "checking", "threshold": 5, "colour": "red"}'
bad highBalance 'request' '[1, 2]'
bad lowBalance 'request.durationInMonth' '{"threshold": 0, "durationInMonth": 25}'
bad lowBalance 'request.durationInMonth' '{"threshold": 0, "durationInMonth": 2.5}'
bad financialBreakdown 'request.labelGroups[1]' '{"durationInMonth": 3, "labelGroups": ["INCOME", "INCOME"]}'
bad financialBreakdown 'request.labelGroups' '{"durationInMonth": 3, "labelGroups": []}'
bad insuranceSpending 'request.expectedInsuranceTypes[0]' '{"expectedInsuranceTypes": ["INSURANCE"]}'
bad insuranceSpending 'request.callbackURL' '{"callbackURL": "ftp://example/x"}'
bad incomeSpendingSummary 'request.durationInMonth' '{"durationInMonth": "3"}'
bad 'highBalance?creationDate=2024-02-30' 'creationDate' '{"accountType": "checking", "threshold": 5}'
bad 'highBalance?colour=red' 'colour' '{"accountType": "checking", "threshold": 5}'
big="{\"accountType\": \"checking\", \"threshold\": 5, \"x\": \"$(head -c 6000 /dev/zero | tr '\0' a)\"}"
bad highBalance 'larger than 4096 bytes' "$big"
[ "$(records)" = "$before" ] || fail "an invalid request created a job"

# 401: no token, wrong token, other scheme; checked before anything else (also for a big body).
for args in "" "x$ALICE" ; do
  expect 401 POST /segments/highBalance "$args" --data-binary '{"accountType": "checking", "threshold": 5}'
  body_has UNAUTHORIZED
  expect 401 GET "/segments/lowBalance/${posted[${jobs[0]}]}" "$args"
done
expect 401 GET "/segments/lowBalance/${posted[${jobs[0]}]}" "" -H "Authorization: Basic $ALICE"
expect 401 POST /segments/highBalance "wrong-token-0123456789" --data-binary "$big"
[ "$(records)" = "$before" ] || fail "an unauthorized request created a job"

# The same 400 for an unknown, other-segment, other-client or path-character jobId.
uc01=${posted[$FINSEG_SOURCE_DIR/jobs/uc01-recurring-overdraft.json]}
expect 400 GET "/segments/lowBalance/00000000-0000-4000-8000-000000000000" "$ALICE"; cp "$WORK/body" "$WORK/unknown"
expect 400 GET "/segments/lowBalance/$uc01" "$BOB"; cmp -s "$WORK/body" "$WORK/unknown" || fail "other client: body differs from unknown"
expect 400 GET "/segments/highBalance/$uc01" "$ALICE"; cmp -s "$WORK/body" "$WORK/unknown" || fail "other segment: body differs"
expect 400 GET "/segments/noSuchSegment/$uc01" "$ALICE"; cmp -s "$WORK/body" "$WORK/unknown" || fail "unknown segment: body differs"
expect 400 GET "/segments/lowBalance/.." "$ALICE" --path-as-is; cmp -s "$WORK/body" "$WORK/unknown" || fail "'..': body differs"
expect 400 GET "/segments/lowBalance/a.b" "$ALICE"
expect 400 GET "/segments/lowBalance/%2e%2e%2fx" "$ALICE" --path-as-is
expect 400 GET "/segments/lowBalance/$uc01/extra" "$ALICE"
expect 200 GET "/segments/lowBalance/$uc01" "$ALICE"

# Routes: unknown path 404, unknown segment on POST 404, wrong method 405 with Allow.
expect 404 GET /nope "$ALICE"
expect 404 POST /segments/noSuchSegment "$ALICE" --data-binary '{}'
expect 405 DELETE "/segments/lowBalance/$uc01" "$ALICE"
expect 405 GET /segments/lowBalance "$ALICE"
expect 405 POST "/segments/lowBalance/$uc01" "$ALICE" --data-binary '{}'
expect 405 PUT /segments/lowBalance "$ALICE" --data-binary '{}'
call OPTIONS /segments/lowBalance "$ALICE" -D "$WORK/headers" > /dev/null
grep -qi '^Allow: POST' "$WORK/headers" || fail "405 without an Allow header"

# Callback: the allowed receiver gets {"jobId","segment","status"}; another host is skipped.
cb=$(post highBalance "$ALICE" "{\"accountType\": \"checking\", \"threshold\": 5000, \"callbackURL\": \"http://127.0.0.1:$HOOK_PORT/hook?x=1\"}")
skipped=$(post highBalance "$BOB" '{"accountType": "checking", "threshold": 5000, "callbackURL": "http://localhost:9/never"}')
wait_status 200 highBalance "$cb" "$ALICE"
wait_status 200 highBalance "$skipped" "$BOB"
for i in $(seq 300); do grep -q "$cb" "$WORK/hooks" 2>/dev/null && break; sleep 0.1; done
grep -qF "/hook?x=1 {\"jobId\":\"$cb\",\"segment\":\"highBalance\",\"status\":\"done\"}" "$WORK/hooks" || fail "callback not received: $(cat "$WORK/hooks" 2>/dev/null)"
for i in $(seq 300); do grep -q "$skipped skipped" "$WORK/api.log" && break; sleep 0.1; done
grep -q "callback for job $skipped skipped: host localhost:9 is not on the --callback-allow list" "$WORK/api.log" || fail "disallowed callback not logged"
[ "$(grep -c . "$WORK/hooks")" = 1 ] || fail "unexpected callbacks: $(cat "$WORK/hooks")"
stop_service "$SERVICE_PID"

# Expiry: with --expiry-seconds 5 a finished job answers 400 after 5 s, and its folder is swept.
# (5 s leave a loaded CI machine time to see the 200 first.)
start_service expiry --store "$WORK/store" --results "$WORK/expiring" --tokens "$WORK/tokens" --expiry-seconds 5 \
  --launch-command '{finseg} run --store {store} --results {results} --job-id {jobId} {jobFile}'
t0=$(date +%s%N)
id=$(post highBalance "$ALICE" '{"accountType": "checking", "threshold": 5000}')
wait_status 200 highBalance "$id" "$ALICE"
[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 4800 ] || fail "the job took too long to check its 200 before expiry"
sleep 5.1
expect 400 GET "/segments/highBalance/$id" "$ALICE"; cmp -s "$WORK/body" "$WORK/unknown" || fail "expired: body differs from unknown"
for i in $(seq 300); do [ ! -e "$WORK/expiring/$id" ] && [ ! -e "$WORK/expiring/.service/jobs/$id.json" ] && break; sleep 0.1; done
[ ! -e "$WORK/expiring/$id" ] || fail "expired job folder not deleted"
[ ! -e "$WORK/expiring/.service/jobs/$id.json" ] || fail "expired job record not deleted"
stop_service "$SERVICE_PID"
echo "http api: use cases byte-identical, validation, auth, isolation, routes, callback, expiry ok"
