#!/usr/bin/env bash
# Every invalid job kind: an error naming the field and the file, exit code 5, and no job of the
# run is created (no result folder, no pending marker), even when the other job files are valid.
source "$(dirname "$0")/lib.sh"
"$FINSEG" import --csv "$FINSEG_SHARED_DIR/examples/tiny" --out "$WORK/store" >/dev/null
good="$WORK/good.json"
echo '{"segment": "highBalance", "request": {"accountType": "checking", "threshold": 800}}' > "$good"
check() {  # check FIELD-IN-MESSAGE JOB-TEXT
  local want="$1" file="$WORK/bad-$RANDOM.json"
  printf '%s' "$2" > "$file"
  expect_exit 5 "$FINSEG" run --store "$WORK/store" --results "$WORK/results" "$good" "$file"
  grep -qF "$file" "$WORK/err" || fail "error does not name the file: $(cat "$WORK/err")"
  grep -qF "$want" "$WORK/err" || fail "error does not name '$want': $(cat "$WORK/err")"
  [ -z "$(ls -A "$WORK/results" 2>/dev/null)" ] || fail "a job was created for an invalid run: $(ls "$WORK/results")"
}
check 'segment' '{"segment": "nope", "request": {}}'
check 'segment' '{"request": {}}'
check 'request' '{"segment": "highBalance"}'
check 'colour' '{"segment": "highBalance", "request": {"accountType": "checking", "threshold": 1}, "colour": 1}'
check 'request.threshold' '{"segment": "highBalance", "request": {"accountType": "checking"}}'
check 'request.accountType' '{"segment": "highBalance", "request": {"threshold": 1}}'
check 'request.accountType' '{"segment": "highBalance", "request": {"accountType": "giro", "threshold": 1}}'
check 'request.threshold' '{"segment": "highBalance", "request": {"accountType": "checking", "threshold": "800"}}'
check 'request.threshold' '{"segment": "highBalance", "request": {"accountType": "checking", "threshold": 1.234}}'
check 'request.threshold' '{"segment": "highBalance", "request": {"accountType": "checking", "threshold": null}}'
check 'request.durationInMonth' '{"segment": "lowBalance", "request": {"threshold": 0, "durationInMonth": 25}}'
check 'request.durationInMonth' '{"segment": "lowBalance", "request": {"threshold": 0, "durationInMonth": 0}}'
check 'request.durationInMonth' '{"segment": "lowBalance", "request": {"threshold": 0, "durationInMonth": 2.5}}'
check 'request.durationInMonth' '{"segment": "lowBalance", "request": {"threshold": 0}}'
check 'request.durationInMonth' '{"segment": "incomeSpendingSummary", "request": {"durationInMonth": "3"}}'
check 'request.labelGroups' '{"segment": "financialBreakdown", "request": {"durationInMonth": 3}}'
check 'request.labelGroups[1]' '{"segment": "financialBreakdown", "request": {"durationInMonth": 3, "labelGroups": ["INCOME", "INCOME"]}}'
check 'request.labelGroups[0]' '{"segment": "financialBreakdown", "request": {"durationInMonth": 3, "labelGroups": ["SALARY"]}}'
check 'request.labelGroups' '{"segment": "financialBreakdown", "request": {"durationInMonth": 3, "labelGroups": []}}'
check 'request.durationInMonth' '{"segment": "financialBreakdown", "request": {"durationInMonth": 13, "labelGroups": ["INCOME"]}}'
check 'request.expectedInsuranceTypes[0]' '{"segment": "insuranceSpending", "request": {"expectedInsuranceTypes": ["INSURANCE"]}}'
check 'request.callbackURL' '{"segment": "insuranceSpending", "request": {"callbackURL": "ftp://x/y"}}'
check 'request.foo' '{"segment": "insuranceSpending", "request": {"foo": 1}}'
check 'creationDate' '{"segment": "insuranceSpending", "request": {}, "creationDate": "2024-02-30"}'
check 'invalid JSON' '{"segment": "insuranceSpending", "request": {}'
check 'duplicate key' '{"segment": "insuranceSpending", "segment": "lowBalance", "request": {}}'
# Valid edge values are accepted: 3.0 as an integer, a negative threshold with 2 fraction digits.
echo '{"segment": "lowBalance", "request": {"threshold": -100.05, "durationInMonth": 3.0}}' > "$WORK/edge.json"
"$FINSEG" run --store "$WORK/store" --results "$WORK/results" "$WORK/edge.json" > "$WORK/ids"
id=$(cat "$WORK/ids")
"$FINSEG" get --results "$WORK/results" "$id" > /dev/null
# finseg get: not found, failed and not ready have their own exit codes.
expect_exit 11 "$FINSEG" get --results "$WORK/results" no-such-job
expect_exit 11 "$FINSEG" get --results "$WORK/results" "../$id"
echo '{"jobId": "pend", "status": "running"}' > "$WORK/results/pend.pending.json"
expect_exit 10 "$FINSEG" get --results "$WORK/results" pend
echo '{"jobId": "bad", "status": "failed", "error": "shard-00001.h5: checksum mismatch"}' > "$WORK/results/bad.pending.json"
expect_exit 12 "$FINSEG" get --results "$WORK/results" bad
grep -q "checksum mismatch" "$WORK/err" || fail "get does not say why the job failed"
# A jobId that has a result is never overwritten or recomputed.
before=$(stat -c %Y "$WORK/results/$id/result.json")
"$FINSEG" run --store "$WORK/store" --results "$WORK/results" --job-id "$id" "$WORK/edge.json" > /dev/null 2>"$WORK/err"
grep -q "not recomputed" "$WORK/err" || fail "rerun of a finished jobId did not say it kept the result"
[ "$before" = "$(stat -c %Y "$WORK/results/$id/result.json")" ] || fail "result was rewritten"
echo "invalid jobs rejected with named fields; get exit codes ok"
