#!/usr/bin/env bash
# Quarterly windows end with the quarter (issue 18): scripts/quarterly for a Q1 (leap year), Q2, Q3
# and Q4 quarter end writes creationDate = the day after (highBalance: the quarter end itself), and
# the windows the run computes end on the quarter's last day: in the manifests, in the windows
# `finseg run` prints on stderr (stdout stays one jobId per line), in financialBreakdown's month
# list, and in incomeSpendingSummary's counts, recounted from the exported CSV.
source "$(dirname "$0")/lib.sh"
"$FINSEG" generate --users 40 --months 40 --seed 18 --shards 3 --snapshot 2026-12-31 --out "$WORK/bank" >/dev/null
"$FINSEG" export --store "$WORK/bank" --csv "$WORK/csv" >/dev/null
quarterly="$FINSEG_SOURCE_DIR/scripts/quarterly"
njobs=$(ls "$FINSEG_SOURCE_DIR"/jobs/quarterly/*.json | wc -l)

for quarter_end in 2024-03-31 2025-06-30 2025-09-30 2026-12-31; do
  FINSEG_BIN="$FINSEG" "$quarterly" --store "$WORK/bank" --results "$WORK/res" --quarter-end "$quarter_end" \
    --ranks 2 --id-prefix "q$quarter_end" >"$WORK/ids" 2>"$WORK/log" || { cat "$WORK/log"; fail "quarterly $quarter_end failed"; }
  [ "$(wc -l <"$WORK/ids")" = "$njobs" ] || { cat "$WORK/ids"; fail "$quarter_end: stdout is not one jobId per job"; }
  grep -v '^q[0-9-]*-[a-z0-9-]*$' "$WORK/ids" && fail "$quarter_end: stdout holds more than jobIds"
  /usr/bin/python3 - "$WORK/res" "$WORK/ids" "$WORK/log" "$WORK/csv" "$quarter_end" <<'PY' || fail "$quarter_end: windows do not end with the quarter"
import csv, datetime, json, sys
res, ids_file, log_file, csv_dir, quarter_end = sys.argv[1:6]
end = datetime.date.fromisoformat(quarter_end)
log = open(log_file).read()

def months_back(last, n):  # first day of the n-month window ending with the month of `last`
    m = last.year * 12 + last.month - 1 - (n - 1)
    return datetime.date(m // 12, m % 12 + 1, 1)

def check(cond, what):
    if not cond:
        sys.exit(f"{quarter_end}: {what}")

with open(f"{csv_dir}/transactions.csv", newline="") as f:
    rows = [(r["accountId"], datetime.date.fromisoformat(r["bookingDate"]), round(float(r["amount"]) * 100)) for r in csv.DictReader(f)]

for job_id in open(ids_file).read().split():
    m = json.load(open(f"{res}/{job_id}/manifest.json"))
    seg, w = m["segment"], m["window"]
    first, last = datetime.date.fromisoformat(w["from"]), datetime.date.fromisoformat(w["to"])
    check(last == end, f"{job_id} ({seg}): window ends {last}, not on the quarter end")
    if seg == "highBalance":
        check(m["creationDate"] == quarter_end and first == end and w["months"] == 0, f"{job_id}: highBalance {m['creationDate']} {w}")
        check(f"finseg run: job {job_id} highBalance: balance at the end of {quarter_end}" in log, f"{job_id}: no balance day on stderr")
        continue
    n = w["months"]
    check(m["creationDate"] == (end + datetime.timedelta(days=1)).isoformat(), f"{job_id}: creationDate {m['creationDate']}")
    check(first == months_back(end, n), f"{job_id} ({seg}): window starts {first} for {n} months")
    check(f"finseg run: job {job_id} {seg}: window {first} .. {last} ({n} complete months" in log, f"{job_id}: window not on stderr")
    doc = json.load(open(f"{res}/{job_id}/result.json"))
    check(doc["users"], f"{job_id} ({seg}): no users")
    if seg == "financialBreakdown":
        want = [f"{(first.year * 12 + first.month - 1 + i) // 12}-{(first.month - 1 + i) % 12 + 1:02d}" for i in range(n)]
        for u in doc["users"]:
            for b in u["breakdowns"]:
                check([x["month"] for x in b["months"]] == want, f"{job_id}: months {[x['month'] for x in b['months']]}")
    if seg == "incomeSpendingSummary":
        want = {}
        for account, day, cents in rows:
            if first <= day <= last:
                c = want.setdefault(account, [0, 0])
                c[0] += cents > 0
                c[1] += cents < 0
        got = {a["accountId"]: [a["incomingTransactions"], a["outgoingTransactions"]] for u in doc["users"] for a in u["accounts"]}
        check(got == want, f"{job_id}: counts differ from the CSV's bookings in {first} .. {last}")
        check(any(day.year == end.year and day.month == end.month for _, day, _ in rows), "no bookings in the quarter's last month")
print(f"{quarter_end}: every window ends {quarter_end}")
PY
done
echo "quarterly windows end in March (leap year), June, September and December"
