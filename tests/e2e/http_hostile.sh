#!/usr/bin/env bash
# Hostile requests to `finseg serve` (issue 16): JSON nested 400,000 deep (400, the service lives
# on), a job file nested 500,000 deep (`finseg run` exits 5), a second service on a taken port
# (refused, exit 6, no SO_REUSEPORT sharing), invalid UTF-8 in the body, the segment path and the
# query (400, never 500), a control character in the path (escaped in the log, no forged line),
# a repeated creationDate (400).
source "$(dirname "$0")/http_lib.sh"
"$FINSEG" generate --users 30 --months 14 --seed 7 --shards 2 --out "$WORK/store" > /dev/null
UC02=$(request_of "$FINSEG_SOURCE_DIR/jobs/uc02-high-liquidity-checking.json")
start_service h --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tokens" --body-limit 8388608 \
  --launch-command 'true {jobId}'
alive() { kill -0 "$SERVICE_PID" 2>/dev/null || { cat "$WORK/h.log"; fail "the service died: $*"; }; }

# 3. Deep nesting: 400,000 '[' in a request body, and a job file 500,000 deep.
/usr/bin/python3 -c 'import sys; sys.stdout.write("[" * 400000)' > "$WORK/deep-body"
expect 400 POST /segments/highBalance "$ALICE" --data-binary "@$WORK/deep-body" -H 'Content-Type: application/json'
body_has BAD_REQUEST; body_has "nested deeper than 64 levels"
alive "after a body nested 400,000 deep"
/usr/bin/python3 -c 'import sys; sys.stdout.write("{\"segment\": \"highBalance\", \"request\": " + "[" * 500000 + "]" * 500000 + "}")' > "$WORK/deep-job.json"
expect_exit 5 "$FINSEG" run --store "$WORK/store" --results "$WORK/deep-results" "$WORK/deep-job.json"
grep -qF "$WORK/deep-job.json" "$WORK/err" && grep -qF "nested deeper than 64 levels" "$WORK/err" ||
  fail "deep job file: no clear message: $(head -c 500 "$WORK/err")"

# 7. Invalid UTF-8 (a lone 0xff byte) in the body, the segment path and the query: 400.
printf '{"accountType": "checking", "threshold": 1, "x": "\xff"}' > "$WORK/bad-utf8"
expect 400 POST /segments/highBalance "$ALICE" --data-binary "@$WORK/bad-utf8" -H 'Content-Type: application/json'
body_has "request body: not valid UTF-8 at byte 50"
expect 400 POST /segments/high%FFBalance "$ALICE" --data-binary "$UC02"; body_has "segment path: not valid UTF-8"
expect 400 GET /segments/high%FFBalance/abc "$ALICE"; body_has NOT_FOUND
expect 400 POST '/segments/highBalance?creationDate=2024-01-0%FF' "$ALICE" --data-binary "$UC02"
body_has "query parameter: not valid UTF-8"
expect 400 POST '/segments/highBalance?%FF=1' "$ALICE" --data-binary "$UC02"; body_has "query parameter: not valid UTF-8"
/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$WORK/body" || fail "400 body is not UTF-8 JSON"

# 11. A repeated creationDate: 400, not "the last one wins".
expect 400 POST '/segments/highBalance?creationDate=2024-01-01&creationDate=2024-02-01' "$ALICE" --data-binary "$UC02"
body_has "given more than once"
expect 400 POST '/segments/highBalance?creationDate=2024-01-31&creationDate=2024-01-31' "$ALICE" --data-binary "$UC02"
body_has "given more than once"
post highBalance "$ALICE" "$UC02" '--url-query' 'creationDate=2024-01-01' > /dev/null

# 8. %0A in the path cannot forge a log line; the newline is logged as \x0a.
expect 404 GET '/x%0A2030-01-01T00:00:00.000Z%20finseg%20serve:%20FORGED' ""
expect 404 GET '/segments/highBalance/a%0D%0A2030-01-01T00:00:00.000Z%20finseg%20serve:%20FORGED2' ""
for i in $(seq 300); do grep -q FORGED2 "$WORK/h.log" && break; sleep 0.1; done
grep -q '^2030-01-01' "$WORK/h.log" && fail "a request forged a log line: $(grep -n '^2030' "$WORK/h.log")"
grep -qF '/x\x0a2030-01-01T00:00:00.000Z finseg serve: FORGED' "$WORK/h.log" || fail "the escaped path is not in the log: $(cat "$WORK/h.log")"
grep -qF 'a\x0d\x0a2030' "$WORK/h.log" || fail "CR LF not escaped in the log"

# 5. A second service on the taken port refuses to start (exit 6) and the first keeps answering.
port=${URL##*:}
set +e
"$FINSEG" serve --store "$WORK/store" --results "$WORK/results2" --tokens "$WORK/tokens" --bind 127.0.0.1 --port "$port" \
  > "$WORK/second.out" 2> "$WORK/second.log" & second=$!
for i in $(seq 100); do kill -0 "$second" 2>/dev/null || break; sleep 0.1; done
kill -0 "$second" 2>/dev/null && { kill "$second"; wait "$second"; fail "a second service started on port $port"; }
wait "$second"; code=$?
set -e
[ "$code" = 6 ] || fail "second service on a taken port: exit $code, expected 6: $(cat "$WORK/second.log")"
grep -q "cannot listen on 127.0.0.1:$port: Address already in use" "$WORK/second.log" || fail "no clear message: $(cat "$WORK/second.log")"
expect 400 GET /segments/highBalance/nope "$ALICE"
alive "at the end"
stop_service "$SERVICE_PID"
echo "http hostile: deep JSON, taken port, invalid UTF-8, log injection, repeated creationDate ok"
