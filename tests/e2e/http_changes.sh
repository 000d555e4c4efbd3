#!/usr/bin/env bash
# GET /segments/{segment}/{jobId}/changes?since={oldJobId} with curl: the answer is byte-identical
# to `finseg diff` of the same two jobs (also with a threshold); the same 400 for a job that is
# unknown, of another segment or of another client; 404 while the newer job is not ready; 400
# BAD_REQUEST for two jobs that cannot be compared, a missing since and a bad rule; 401 without token;
# paged (with the counts) and NDJSON-streamed like a result, CSV refused, a bad page value 400.
source "$(dirname "$0")/http_lib.sh"
"$FINSEG" generate --users 150 --months 16 --seed 23 --shards 3 --snapshot 2026-10-15 --out "$WORK/store" >/dev/null
start_service api --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tokens" --mpiexec "$MPIEXEC" --ranks 2

breakdown='{"durationInMonth": 3, "labelGroups": ["INSURANCE", "LIFESTYLE"]}'
old=$(post 'financialBreakdown?creationDate=2026-06-30' "$ALICE" "$breakdown")
new=$(post 'financialBreakdown?creationDate=2026-09-30' "$ALICE" "$breakdown")
other=$(post 'financialBreakdown?creationDate=2026-09-30' "$ALICE" '{"durationInMonth": 3, "labelGroups": ["INSURANCE"]}')
low=$(post 'lowBalance?creationDate=2026-09-30' "$ALICE" '{"threshold": 0, "durationInMonth": 2}')
bobs=$(post 'financialBreakdown?creationDate=2026-06-30' "$BOB" "$breakdown")
for id in "$old" "$new" "$other" "$bobs"; do wait_status 200 financialBreakdown "$id" "$( [ "$id" = "$bobs" ] && echo "$BOB" || echo "$ALICE")" 120; done
wait_status 200 lowBalance "$low" "$ALICE" 120

expect 200 GET "/segments/financialBreakdown/$new/changes?since=$old" "$ALICE"
cp "$WORK/body" "$WORK/api-all.json"
"$FINSEG" diff --results "$WORK/results" --job-id cli-all "$old" "$new" >/dev/null 2>&1 || fail "finseg diff failed"
cmp "$WORK/api-all.json" "$WORK/results/cli-all/result.json" || fail "the API's changes differ from finseg diff's"
grep -q '"status":"changed"' "$WORK/api-all.json" || fail "nobody changed: the test would prove nothing"
rule='{"labelGroup":"INSURANCE","minChangePercent":20}'
expect 200 GET "/segments/financialBreakdown/$new/changes" "$ALICE" -G --data-urlencode "since=$old" --data-urlencode "threshold=$rule"
"$FINSEG" diff --results "$WORK/results" --job-id cli-ins --threshold "$rule" "$old" "$new" >/dev/null 2>&1 || fail "finseg diff failed"
cmp "$WORK/body" "$WORK/results/cli-ins/result.json" || fail "with a threshold, the API's changes differ from finseg diff's"
# Paged and streamed like a result, from the computed file: a page is those users of the document
# with its counts and a paging object; NDJSON is the document's users, one per line; no CSV.
users() { sed '1d;$d' "$1" | sed 's/,$//'; }  # the user lines of a document (one per line)
users "$WORK/api-all.json" > "$WORK/all.users"
total=$(wc -l < "$WORK/all.users"); [ "$total" -ge 5 ] || fail "only $total users changed: the test would prove little"
expect 200 GET "/segments/financialBreakdown/$new/changes?since=$old&page=2&perPage=2" "$ALICE"
python3 - "$WORK/body" "$WORK/api-all.json" "$total" <<'PY' || fail "page 2 of the changes: $(cat "$WORK/body")"
import json, sys
page, whole, total = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
assert page["users"] == whole["users"][2:4], "not users 3-4"
assert page["counts"] == whole["counts"], "counts"
assert page["paging"] == {"page": 2, "perPage": 2, "pageCount": (total + 1) // 2, "totalCount": total}, page["paging"]
assert {k: v for k, v in page.items() if k not in ("users", "paging")} == {k: v for k, v in whole.items() if k != "users"}
PY
expect 200 GET "/segments/financialBreakdown/$new/changes?since=$old" "$ALICE" -H 'Accept: application/x-ndjson' -D "$WORK/headers"
grep -qi '^content-type: application/x-ndjson' "$WORK/headers" || fail "changes ndjson: $(cat "$WORK/headers")"
cmp "$WORK/body" "$WORK/all.users" || fail "the changes as NDJSON are not the document's users"
expect 200 GET "/segments/financialBreakdown/$new/changes?since=$old&page=1&perPage=3" "$ALICE" -H 'Accept: application/x-ndjson'
cmp "$WORK/body" <(head -3 "$WORK/all.users") || fail "page 1 of the changes as NDJSON is not the first 3 users"
expect 400 GET "/segments/financialBreakdown/$new/changes?since=$old&page=0" "$ALICE"; body_has "'page': an integer from 1"
expect 400 GET "/segments/financialBreakdown/$new/changes?since=$old&perPage=501" "$ALICE"; body_has "'perPage'"
expect 400 GET "/segments/financialBreakdown/$new/changes?since=$old" "$ALICE" -H 'Accept: text/csv'; body_has "no CSV layout"
# The temporary folder goes once the answer is sent (just after curl has it all: a moment's grace).
for _ in $(seq 300); do ls -A "$WORK/results/.service/changes" 2>/dev/null | grep -q . || break; sleep 0.1; done
ls -A "$WORK/results/.service/changes" 2>/dev/null | grep -q . && fail "the API left its work files behind"

# The same 400 as GET of a job: unknown, another segment, another client; a changes route never says more.
expect 400 GET "/segments/financialBreakdown/$new/changes?since=nope" "$ALICE"; body_has NOT_FOUND
expect 400 GET "/segments/financialBreakdown/nope/changes?since=$old" "$ALICE"; body_has NOT_FOUND
expect 400 GET "/segments/financialBreakdown/$new/changes?since=$bobs" "$ALICE"; body_has NOT_FOUND
expect 400 GET "/segments/lowBalance/$low/changes?since=$old" "$ALICE"; body_has NOT_FOUND
expect 400 GET "/segments/financialBreakdown/$new/changes?since=$low" "$ALICE"; body_has NOT_FOUND
# Bad requests.
expect 400 GET "/segments/financialBreakdown/$new/changes" "$ALICE"; body_has "'since'"
expect 400 GET "/segments/financialBreakdown/$new/changes?since=$old&sort=x" "$ALICE"; body_has "'sort': unknown"
expect 400 GET "/segments/financialBreakdown/$other/changes?since=$old" "$ALICE"; body_has "different requests"
expect 400 GET "/segments/financialBreakdown/$old/changes?since=$new" "$ALICE"; body_has "give the older job first"
expect 400 GET "/segments/financialBreakdown/$new/changes" "$ALICE" -G --data-urlencode "since=$old" --data-urlencode 'threshold={"labelGroup":"GAMBLING"}'
body_has "not one of the jobs' labelGroups"
expect 401 GET "/segments/financialBreakdown/$new/changes?since=$old" ""
# Not ready: 404, then 200 once done.
slow=$(post 'financialBreakdown?creationDate=2026-10-15' "$ALICE" "$breakdown")
expect 404 GET "/segments/financialBreakdown/$slow/changes?since=$new" "$ALICE"; body_has NOT_READY  # mpirun has not even started
wait_status 200 financialBreakdown "$slow" "$ALICE" 120
expect 200 GET "/segments/financialBreakdown/$slow/changes?since=$new" "$ALICE"
echo "changes over HTTP: byte-identical to finseg diff; paged and NDJSON; 400/404/401 as for a job"
