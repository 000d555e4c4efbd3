#!/usr/bin/env bash
# scripts/quarterly --changes: two quarters in one results folder; the second finds the first's
# jobIds itself (or reads them with --previous-quarter-results) and writes the changes of every
# job next to the new results, each checked against its two documents.
source "$(dirname "$0")/lib.sh"
export FINSEG_BIN="$FINSEG"
Q="$FINSEG_SOURCE_DIR/scripts/quarterly"
R="$WORK/results"
"$FINSEG" generate --users 200 --months 25 --seed 29 --shards 3 --snapshot 2026-10-15 --out "$WORK/bank" >/dev/null
"$Q" --store "$WORK/bank" --results "$R" --quarter-end 2026-06-30 --ranks 2 >"$WORK/q2.ids" 2>"$WORK/q2.log" || { cat "$WORK/q2.log"; fail "quarter 2"; }
"$Q" --store "$WORK/bank" --results "$R" --quarter-end 2026-09-30 --ranks 2 --changes \
  --threshold-file "uc03-spending-breakdown=$FINSEG_SOURCE_DIR/jobs/changes/insurance-jump.json" >"$WORK/q3.ids" 2>"$WORK/q3.log" \
  || { cat "$WORK/q3.log"; fail "quarter 3 with --changes"; }
[ "$(wc -l <"$WORK/q3.ids")" = "$(ls "$FINSEG_SOURCE_DIR"/jobs/quarterly/*.json | wc -l)" ] || fail "stdout is not one jobId per job file"
table="$R/.quarterly/2026-09-30/changes.tsv"
[ "$(wc -l <"$table")" = "$(wc -l <"$WORK/q3.ids")" ] || fail "not every job has its changes: $(cat "$table")"
paste "$WORK/q2.ids" "$WORK/q3.ids" >"$WORK/want"
cut -f2,3 "$table" | cmp - "$WORK/want" || fail "the changes compare other jobs than the two quarters' ($(cat "$table"))"
while IFS=$'\t' read -r name old new changes; do
  /usr/bin/python3 "$(dirname "$0")/check_changes.py" "$R/$old/result.json" "$R/$new/result.json" "$R/$changes/result.json" >/dev/null \
    || fail "$name: changes $changes do not match"
done <"$table"
grep -q '"labelGroup":"INSURANCE","measure":"total","minChange":0.01,"minChangePercent":20.00' "$R/$(grep uc03 "$table" | cut -f4)/result.json" \
  || fail "--threshold-file was not applied"
# --previous-quarter-results: the same pairs from the saved stdout of the earlier quarter.
"$Q" --store "$WORK/bank" --results "$R" --quarter-end 2026-09-30 --ranks 1 --id-prefix again \
  --previous-quarter-results "$WORK/q2.ids" >/dev/null 2>"$WORK/again.log" || { cat "$WORK/again.log"; fail "--previous-quarter-results"; }
cut -f2 "$table" | cmp - "$WORK/q2.ids" || fail "--previous-quarter-results: other old jobs"
grep -q $'again-uc01-recurring-overdraft\tagain-uc01-recurring-overdraft-changes' "$table" || fail "--id-prefix: changes jobId"
echo "quarterly --changes: every job's changes since the previous quarter"
