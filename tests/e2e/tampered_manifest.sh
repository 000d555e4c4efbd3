#!/usr/bin/env bash
# Issue 16 items 1-2: a manifest.json edited by hand fails `finseg run` (also --verify-store) and
# `finseg inspect` with exit 4 naming what disagrees; nothing is committed. The shards record
# their taxonomy and dates themselves; the manifest is checked against them.
source "$(dirname "$0")/lib.sh"
"$FINSEG" generate --users 120 --months 25 --seed 3 --shards 2 --out "$WORK/good" >/dev/null
job="$FINSEG_SOURCE_DIR/jobs/uc04-insurance-cross-selling.json"
# tamper NAME PYTHON: a copy of the store whose manifest `m` the python statements edit
tamper() {
  rm -rf "$WORK/$1"; cp -r "$WORK/good" "$WORK/$1"
  /usr/bin/python3 - "$WORK/$1/manifest.json" "$2" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
m = json.load(open(path))
def swap(xs, a, b):
    return [b if x == a else a if x == b else x for x in xs]
exec(code)
json.dump(m, open(path, "w"), indent=2)
PY
}
tamper labels 'm["labels"] = swap(m["labels"], "HEALTHINSURANCE", "CARINSURANCE")
for g in m["labelGroups"]: g["labels"] = swap(g["labels"], "HEALTHINSURANCE", "CARINSURANCE")'
tamper dates 'm["snapshotDate"] = "2026-01-31"
for s in m["shards"]: s["latestBalanceDate"] = "2026-01-31"'
tamper bookings 'm["shards"][1]["firstBooking"] = "2020-01-01"'
# the same names in the same order, but the first label of the second group made a group itself
tamper groups 'g = m["labelGroups"]; first = g[1]["labels"][0]
g.insert(2, {"group": first, "labels": g[1]["labels"][1:]}); g[1]["labels"] = []'
for how in labels dates bookings groups; do
  case "$how" in
    labels) want="other label names.*HEALTHINSURANCE" ;;
    dates) want="latestBalanceDate 2026-01-31" ;;
    bookings) want="shard-00001.h5.*firstBooking 2020-01-01" ;;
    groups) want="other label groups" ;;
  esac
  # regrouped labels could make the UC-04 job invalid (exit 5) before any shard is read
  job="$FINSEG_SOURCE_DIR/jobs/uc04-insurance-cross-selling.json"
  [ "$how" != groups ] || job="$FINSEG_SOURCE_DIR/jobs/income-spending-summary.json"
  expect_exit 4 "$FINSEG" inspect "$WORK/$how"
  grep -q "$want" "$WORK/err" || fail "inspect of the $how manifest does not say '$want': $(cat "$WORK/err")"
  for verify in "" --verify-store; do
    expect_exit 4 mpi 2 "$FINSEG" run $verify --store "$WORK/$how" --results "$WORK/res-$how" --job-id "j$how" "$job"
    grep -q "$want" "$WORK/err" || fail "run $verify over the $how manifest does not say '$want': $(cat "$WORK/err")"
    [ ! -e "$WORK/res-$how/j$how/result.json" ] || fail "a result was committed over a $how manifest"
  done
done
# The untouched store runs (the checks pass on an honest manifest).
expect_exit 0 mpi 2 "$FINSEG" run --store "$WORK/good" --results "$WORK/res-good" --job-id ok "$job"
expect_exit 0 "$FINSEG" inspect "$WORK/good"
echo "tampered manifests refused by run and inspect, exit 4, nothing committed"
