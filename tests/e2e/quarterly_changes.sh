#!/usr/bin/env bash
# scripts/quarterly --changes: two quarters in one results folder; the second finds the first's
# jobIds itself (or reads them with --previous-quarter-results) and writes the changes of every
# job next to the new results, each checked against its two documents. The quarter's report shows
# them (finseg report given the changes jobIds): the same page at 1-3 ranks, a damaged changes
# document refused, and in headless Chromium no error, every chart drawn, every count equal to the
# changes documents' recount and closing counts (check_report.py; skipped, exit 77, without chromium).
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
# The quarter's report, written by scripts/quarterly at 2 ranks, with the changes section.
page="$R/quarterly-2026-09-30.html"
grep -q '<section id="changes">' "$page" || fail "the quarter's report has no changes section"
mapfile -t report_ids < <(cat "$WORK/q3.ids"; cut -f4 "$table")
cp "$page" "$WORK/page.html"  # the rerun below writes this quarter's report again
for np in 1 3; do
  mpi $np "$FINSEG" report --results "$R" --out "$WORK/np$np.html" --title "Financial segments, quarter ending 2026-09-30" \
    "${report_ids[@]}" 2>/dev/null || fail "finseg report with changes at $np ranks failed"
  cmp "$page" "$WORK/np$np.html" || fail "the page with changes at $np ranks differs from the one at 2"
done
/usr/bin/python3 - "$page" "$R" $(cut -f4 "$table") <<'PY' || fail "customer data of the changes on the page"
import json, sys
page = open(sys.argv[1]).read()
for job_id in sys.argv[3:]:
    for user in json.load(open(f"{sys.argv[2]}/{job_id}/result.json"))["users"]:
        ids = [user["userId"]] + [c["accountId"] for c in user.get("changes", []) if "accountId" in c]
        for name in ids:
            if f">{name}<" in page or f'"{name}"' in page or f" {name} " in page:
                sys.exit(f"{name} of {job_id} is on the page")
PY
# A changes document whose closing counts disagree with its users: named, exit 3, no page.
damaged="$(cut -f4 "$table" | head -1)"
cp -r "$R/$damaged" "$R/damaged-changes"
/usr/bin/python3 - "$R/damaged-changes/result.json" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
at = text.rindex('"left":')  # in the closing line's counts
left = re.match(r'"left":(\d+)', text[at:])
open(sys.argv[1], "w").write(text[:at] + f'"left":{int(left.group(1)) + 1}' + text[at + left.end():])
PY
expect_exit 3 "$FINSEG" report --results "$R" --out "$WORK/x.html" "${report_ids[0]}" damaged-changes
grep -q "damaged-changes/result.json: counts.left" "$WORK/err" || fail "the damaged changes document is not named: $(cat "$WORK/err")"
[ ! -e "$WORK/x.html" ] || fail "a page was written for a damaged changes document"

# --previous-quarter-results: the same pairs from the saved stdout of the earlier quarter.
"$Q" --store "$WORK/bank" --results "$R" --quarter-end 2026-09-30 --ranks 1 --id-prefix again \
  --previous-quarter-results "$WORK/q2.ids" >/dev/null 2>"$WORK/again.log" || { cat "$WORK/again.log"; fail "--previous-quarter-results"; }
cut -f2 "$table" | cmp - "$WORK/q2.ids" || fail "--previous-quarter-results: other old jobs"
grep -q $'again-uc01-recurring-overdraft\tagain-uc01-recurring-overdraft-changes' "$table" || fail "--id-prefix: changes jobId"

chromium="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chromium" ]; then echo "SKIP: no chromium to render the report's changes (scripts/install-deps installs it)"; exit 77; fi
artefacts="${FINSEG_ARTEFACT_DIR:-$WORK}"
mkdir -p "$artefacts"
here="$(dirname "$0")"
/usr/bin/python3 "$here/browser.py" "$chromium" "$WORK/page.html" "$WORK/probe.json" "$artefacts/report-changes.png" \
  || fail "chromium could not render the page with changes"
/usr/bin/python3 "$here/check_report.py" "$WORK/probe.json" "$R" "${report_ids[@]}" || fail "the changes on the page do not match the documents"
for chart in chart-changes-users chart-changes-kinds; do
  grep -q "\"$chart\"" "$WORK/probe.json" || fail "no $chart on the page"
done
echo "quarterly --changes: every job's changes since the previous quarter, and in the quarter's report"
