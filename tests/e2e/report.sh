#!/usr/bin/env bash
# finseg report in a real browser (issue 21), on the demo bank (scripts/demo's parameters):
#  - scripts/quarterly writes the quarter's report next to the results;
#  - the page is byte-identical when `finseg report` splits the documents over 1, 2 or 3 ranks;
#  - self-contained and small: no script, no external reference, no userId or accountId;
#  - headless Chromium (tests/e2e/browser.py, the DevTools protocol) renders it: no console or
#    script error, no network request, every chart drew data marks; the numbers on the page match
#    the documents, recomputed independently (tests/e2e/check_report.py);
#  - a screenshot is kept in build/test-artefacts (report.png; report-preview.png is docs/report-demo.png);
#  - jobs that select nobody give a clean page too;
#  - a missing, unfinished, failed or damaged job is an error naming it, and no page is written.
source "$(dirname "$0")/lib.sh"
chromium="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chromium" ]; then echo "SKIP: no chromium (scripts/install-deps installs it)"; exit 77; fi
here="$(dirname "$0")"
artefacts="${FINSEG_ARTEFACT_DIR:-$WORK}"
mkdir -p "$artefacts"

mpi 2 "$FINSEG" generate --users 5000 --months 25 --seed 42 --shards 8 --out "$WORK/bank" >/dev/null
FINSEG_BIN="$FINSEG" "$FINSEG_SOURCE_DIR/scripts/quarterly" --store "$WORK/bank" --results "$WORK/res" --quarter-end 2026-09-30 \
  --ranks 2 --id-prefix demo >"$WORK/ids" 2>"$WORK/quarterly.log" || { cat "$WORK/quarterly.log"; fail "quarterly run failed"; }
mapfile -t ids <"$WORK/ids"
page="$WORK/res/quarterly-2026-09-30.html"
[ -s "$page" ] || fail "scripts/quarterly wrote no report: $(cat "$WORK/quarterly.log")"

title="Financial segments, quarter ending 2026-09-30"
for np in 1 3; do
  mpi $np "$FINSEG" report --results "$WORK/res" --out "$WORK/np$np.html" --title "$title" "${ids[@]}" 2>/dev/null \
    || fail "finseg report at $np ranks failed"
  cmp "$page" "$WORK/np$np.html" || fail "the page at $np ranks differs from the one at 2"
done

size=$(stat -c %s "$page")
[ "$size" -lt 200000 ] || fail "the page is $size bytes: too big to mail"
grep -Eiq '<script|<link|<img|<iframe|url\(|src=' "$page" && fail "the page loads or runs something: $(grep -Eio '<script|<link|<img|<iframe|url\(|src=' "$page" | head -3)"
/usr/bin/python3 - "$page" "$WORK/res" "${ids[@]}" <<'PY' || fail "customer data on the page"
import json, sys
page = open(sys.argv[1]).read()
for job_id in sys.argv[3:]:
    with open(f"{sys.argv[2]}/{job_id}/result.json") as f:
        for user in json.load(f)["users"]:
            names = [user["userId"]] + [a["accountId"] for a in user.get("accounts", [])]
            for name in names:
                if f">{name}<" in page or f'"{name}"' in page or f" {name} " in page:
                    sys.exit(f"{name} of {job_id} is on the page")
PY

/usr/bin/python3 "$here/browser.py" "$chromium" "$page" "$WORK/probe.json" "$artefacts/report.png" \
  "$artefacts/report-preview.png" 1500 0.8 || fail "chromium could not render the page"
/usr/bin/python3 "$here/check_report.py" "$WORK/probe.json" "$WORK/res" "${ids[@]}" || fail "the page does not match the documents"

# Jobs that select nobody: the page says so, draws no chart from nothing, and still renders cleanly.
mkdir -p "$WORK/empty"
echo '{"segment": "lowBalance", "request": {"threshold": -99999999, "durationInMonth": 3}}' >"$WORK/empty/low.json"
echo '{"segment": "financialBreakdown", "request": {"durationInMonth": 2, "labelGroups": ["GAMBLING"]}}' >"$WORK/empty/fb.json"
echo '{"segment": "insuranceSpending", "request": {"expectedInsuranceTypes": ["HEALTHINSURANCE"]}, "creationDate": "2020-01-01"}' >"$WORK/empty/ins.json"
mapfile -t empty_ids < <("$FINSEG" run --store "$WORK/bank" --results "$WORK/res" "$WORK/empty/"*.json 2>/dev/null)
"$FINSEG" report --results "$WORK/res" --out "$WORK/empty.html" "${empty_ids[@]}" 2>/dev/null || fail "report of empty documents failed"
grep -q "No amounts." "$WORK/empty.html" || fail "the page does not say that nobody was selected"
/usr/bin/python3 "$here/browser.py" "$chromium" "$WORK/empty.html" "$WORK/empty.json" "$artefacts/report-empty.png" \
  && /usr/bin/python3 "$here/check_report.py" "$WORK/empty.json" "$WORK/res" "${empty_ids[@]}" || fail "the page of empty documents"

# Errors: nothing is written, the job and the problem are named.
expect_exit 11 "$FINSEG" report --results "$WORK/res" --out "$WORK/x.html" "${ids[0]}" no-such-job
grep -q "no job no-such-job" "$WORK/err" || fail "unknown job not named: $(cat "$WORK/err")"
echo '{"jobId": "pend", "status": "running"}' >"$WORK/res/pend.pending.json"
expect_exit 10 "$FINSEG" report --results "$WORK/res" --out "$WORK/x.html" pend
echo '{"jobId": "bad", "status": "failed", "error": "shard-00003.h5: checksum mismatch"}' >"$WORK/res/bad.pending.json"
expect_exit 12 "$FINSEG" report --results "$WORK/res" --out "$WORK/x.html" bad
grep -q "checksum mismatch" "$WORK/err" || fail "report does not say why the job failed: $(cat "$WORK/err")"
cp -r "$WORK/res/${ids[0]}" "$WORK/res/damaged"
head -c 5000 "$WORK/res/${ids[0]}/result.json" >"$WORK/res/damaged/result.json"
expect_exit 3 "$FINSEG" report --results "$WORK/res" --out "$WORK/x.html" damaged
grep -q "damaged/result.json" "$WORK/err" || fail "the damaged document is not named: $(cat "$WORK/err")"
[ ! -e "$WORK/x.html" ] || fail "a page was written for a failed report"
echo "report: same page at 1-3 ranks, $size bytes, rendered by chromium without errors; screenshot in $artefacts/report.png"
