#!/usr/bin/env bash
# Large results by page and by stream, with curl (issue 15): GET ?page=P&perPage=N answers that page
# of the users with a finAPI paging object (first, middle, last, past the end, bad values: 400);
# Accept: application/x-ndjson and text/csv stream the very users of the document (checked with
# Python); `finseg get --format` prints the same; a running job's 404 says how many shards are done.
source "$(dirname "$0")/http_lib.sh"
CHECK="/usr/bin/python3 $(dirname "$0")/check_streams.py"
"$FINSEG" generate --users 230 --months 14 --seed 31 --shards 3 --snapshot 2026-10-15 --out "$WORK/store" >/dev/null
start_service api --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tokens" --mpiexec "$MPIEXEC" --ranks 2

fb=$(post 'financialBreakdown?creationDate=2026-09-30' "$ALICE" '{"durationInMonth": 3, "labelGroups": ["INSURANCE", "LIFESTYLE"]}')
ins=$(post 'insuranceSpending?creationDate=2026-09-30' "$ALICE" '{"expectedInsuranceTypes": ["HEALTHINSURANCE", "LIFEINSURANCE", "TRAVELINSURANCE"]}')
inc=$(post 'incomeSpendingSummary?creationDate=2026-09-30' "$ALICE" '{"durationInMonth": 2}')
none=$(post 'highBalance?creationDate=2026-09-30' "$ALICE" '{"accountType": "checking", "threshold": 999999999}')
wait_status 200 financialBreakdown "$fb" "$ALICE" 180
wait_status 200 insuranceSpending "$ins" "$ALICE" 180
wait_status 200 incomeSpendingSummary "$inc" "$ALICE" 180
wait_status 200 highBalance "$none" "$ALICE" 180

# The run writes the user index with the document.
[ -f "$WORK/results/$fb/result.idx" ] || fail "finseg run wrote no user index next to result.json"
# Without paging parameters: the whole document, byte for byte as written (the contract's answer).
expect 200 GET "/segments/financialBreakdown/$fb" "$ALICE"
cmp "$WORK/body" "$WORK/results/$fb/result.json" || fail "the whole document differs from result.json"
cp "$WORK/body" "$WORK/fb.json"
total=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["users"]))' "$WORK/fb.json")
[ "$total" -gt 100 ] || fail "only $total users: the pages would prove little"

# First, middle, last (partial) page, and one past the end (200, no users, as finAPI answers).
per=40
last=$(( (total + per - 1) / per ))
for p in 1 2 "$last" $((last + 1)) 1000000; do
  expect 200 GET "/segments/financialBreakdown/$fb?page=$p&perPage=$per" "$ALICE"
  $CHECK page "$WORK/fb.json" "$WORK/body" "$p" "$per"
done
# A document without an index (older results) gets one on its first page.
rm "$WORK/results/$fb/result.idx"
expect 200 GET "/segments/financialBreakdown/$fb?page=2&perPage=$per" "$ALICE"; $CHECK page "$WORK/fb.json" "$WORK/body" 2 "$per"
[ -f "$WORK/results/$fb/result.idx" ] || fail "no user index after the first page"
# perPage alone is page 1; page alone has finAPI's default perPage 20; the maximum perPage 500.
expect 200 GET "/segments/financialBreakdown/$fb?perPage=7" "$ALICE"; $CHECK page "$WORK/fb.json" "$WORK/body" 1 7
expect 200 GET "/segments/financialBreakdown/$fb?page=3" "$ALICE"; $CHECK page "$WORK/fb.json" "$WORK/body" 3 20
expect 200 GET "/segments/financialBreakdown/$fb?page=1&perPage=500" "$ALICE"; $CHECK page "$WORK/fb.json" "$WORK/body" 1 500
# A stale index (the document's size is recorded in it) is built again, not trusted.
printf 'FSIDX001\1\0\0\0\0\0\0\0' > "$WORK/results/$fb/result.idx"
expect 200 GET "/segments/financialBreakdown/$fb?page=2&perPage=$per" "$ALICE"; $CHECK page "$WORK/fb.json" "$WORK/body" 2 "$per"
# A document without users pages as one with no users.
expect 200 GET "/segments/highBalance/$none?page=1&perPage=10" "$ALICE"; $CHECK page "$WORK/results/$none/result.json" "$WORK/body" 1 10

# Bad values: 400 with the parameter named.
for q in 'page=0' 'page=-1' 'page=1.5' 'page=abc' 'page=' 'perPage=0' 'perPage=501' 'perPage=1e2' 'page=%2B1' \
         'page=1&page=2' 'perPage=5&perPage=5' 'page=99999999999999999999'; do
  expect 400 GET "/segments/financialBreakdown/$fb?$q" "$ALICE"; body_has BAD_REQUEST
  name=${q%%=*}; body_has "'$name'"
done
# Paging never reveals another client's job, nor one of another segment.
expect 400 GET "/segments/financialBreakdown/$fb?page=1" "$BOB"; body_has NOT_FOUND
expect 401 GET "/segments/financialBreakdown/$fb?page=1" ""

# Streams: NDJSON and CSV hold the document's users, for each segment's layout; also one page of them.
for pair in "financialBreakdown $fb" "insuranceSpending $ins" "incomeSpendingSummary $inc" "highBalance $none"; do
  set -- $pair
  expect 200 GET "/segments/$1/$2" "$ALICE"; cp "$WORK/body" "$WORK/doc.json"
  expect 200 GET "/segments/$1/$2" "$ALICE" -H 'Accept: application/x-ndjson' -D "$WORK/headers"
  grep -qi '^content-type: application/x-ndjson' "$WORK/headers" || fail "$1 ndjson: $(cat "$WORK/headers")"
  grep -qi '^transfer-encoding: chunked' "$WORK/headers" || fail "$1 ndjson: not streamed: $(cat "$WORK/headers")"
  $CHECK ndjson "$WORK/doc.json" "$WORK/body"
  expect 200 GET "/segments/$1/$2" "$ALICE" -H 'Accept: text/csv' -D "$WORK/headers"
  grep -qi '^content-type: text/csv' "$WORK/headers" || fail "$1 csv: $(cat "$WORK/headers")"
  $CHECK csv "$WORK/doc.json" "$WORK/body" "$1"
  # The command line prints the same bytes.
  "$FINSEG" get --results "$WORK/results" --format csv "$2" > "$WORK/cli.csv" || fail "finseg get --format csv $2"
  cmp "$WORK/body" "$WORK/cli.csv" || fail "$1: finseg get --format csv differs from the API's CSV"
  "$FINSEG" get --results "$WORK/results" --format ndjson "$2" > "$WORK/cli.ndjson" || fail "finseg get --format ndjson $2"
  $CHECK ndjson "$WORK/doc.json" "$WORK/cli.ndjson"
  "$FINSEG" get --results "$WORK/results" --format json "$2" > "$WORK/cli.json" || fail "finseg get --format json $2"
  cmp "$WORK/cli.json" "$WORK/doc.json" || fail "$1: finseg get --format json is not the document"
done
grep -q '"missingInsuranceTypes":\["' "$WORK/results/$ins/result.json" || fail "no user misses an insurance: the CSV join is untested"
grep -q '"' "$WORK/cli.csv" 2>/dev/null || true
# A page as NDJSON: those users only.
expect 200 GET "/segments/financialBreakdown/$fb?page=2&perPage=$per" "$ALICE" -H 'Accept: application/x-ndjson'
[ "$(wc -l < "$WORK/body")" = "$per" ] || fail "an NDJSON page of $per users has $(wc -l < "$WORK/body") lines"
expect_exit 2 "$FINSEG" get --results "$WORK/results" --format xml "$fb"
grep -q "one of json, ndjson, csv" "$WORK/err" || fail "finseg get --format xml: $(cat "$WORK/err")"

# Progress while running: still 404 NOT_READY, saying running and how many of the shards are done.
FINSEG_TEST_SHARD_DELAY_MS=1500 start_service slow --store "$WORK/store" --results "$WORK/slow" --tokens "$WORK/tokens" \
  --mpiexec "$MPIEXEC" --ranks 1
URL_SLOW=$URL
slow=$(post 'highBalance?creationDate=2026-09-30' "$ALICE" '{"accountType": "checking", "threshold": 0}')
seen=""
for i in $(seq 300); do
  got=$(call GET "/segments/highBalance/$slow" "$ALICE")
  [ "$got" = 200 ] && break
  [ "$got" = 404 ] || fail "while running: $got $(cat "$WORK/body")"
  body_has NOT_READY
  grep -qE "is (queued|running)" "$WORK/body" || fail "no state in $(cat "$WORK/body")"
  if grep -qE "running: [12] of 3 shards done" "$WORK/body"; then seen=yes; fi
  sleep 0.1
done
[ "$got" = 200 ] || fail "the slow job did not finish"
[ -n "$seen" ] || fail "never saw 'running: N of 3 shards done' while the job ran"
echo "paging, NDJSON and CSV streams, finseg get --format and progress: as documented"
