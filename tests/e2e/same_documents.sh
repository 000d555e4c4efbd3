#!/usr/bin/env bash
# The documents of every job of jobs/ (over a demo bank of a fixed seed and size) and of every
# example of shared/examples are byte for byte those of commit e6753f1 (the run before it became
# the library of src/run, with one merge path), at 1, 2, 3 and 4 ranks: their sha256 are in
# tests/data/documents-e6753f1.sha256, made by this script with FINSEG_RECORD=FILE and e6753f1's
# finseg (and this tree's config/, whose label rules the examples' import applies). The demo
# bank's data is checked first (as CSV: the HDF5 bytes of a store differ between the commits, the
# data does not): a change of the generator would show as a change of every document otherwise.
source "$(dirname "$0")/lib.sh"
expected="$FINSEG_SOURCE_DIR/tests/data/documents-e6753f1.sha256"
record="${FINSEG_RECORD:-}"
hashes="$WORK/hashes"; : >"$hashes"
nps=(1 2 3 4); [ -n "$record" ] && nps=(1)

"$FINSEG" generate --users 300 --months 25 --seed 42 --shards 5 --out "$WORK/demo" >/dev/null
"$FINSEG" export --store "$WORK/demo" --csv "$WORK/demo-csv" >/dev/null
(cd "$WORK/demo-csv" && sha256sum accounts.csv transactions.csv | sed 's|  |  store/demo/|') >>"$hashes"
for bank in tiny tiny-frequency; do
  "$FINSEG" import --csv "$FINSEG_SHARED_DIR/examples/$bank" --out "$WORK/$bank" --shards 2 >/dev/null
done

# run_case NAME STORE NP JOB...: one run of every job by known jobIds; the documents' sha256 as NAME/<job>
run_case() {
  local name=$1 store=$2 np=$3; shift 3
  local ids=() j
  for j in "$@"; do ids+=(--job-id "np$np-${name//\//-}-$(basename "$j" .json)"); done
  mpi "$np" "$FINSEG" run --store "$store" --results "$WORK/results" "${ids[@]}" "$@" >/dev/null 2>"$WORK/run.log" \
    || { cat "$WORK/run.log"; fail "run of $name at np $np failed"; }
  for j in "$@"; do
    local doc="$WORK/results/np$np-${name//\//-}-$(basename "$j" .json)/result.json"
    [ -s "$doc" ] || fail "no document of $name/$(basename "$j" .json) at np $np"
    echo "$(sha256sum <"$doc" | cut -d' ' -f1)  $name/$(basename "$j" .json)" >>"$WORK/np$np"
  done
}
for np in "${nps[@]}"; do
  : >"$WORK/np$np"
  run_case demo/jobs "$WORK/demo" "$np" "$FINSEG_SOURCE_DIR"/jobs/*.json
  run_case demo/quarterly "$WORK/demo" "$np" "$FINSEG_SOURCE_DIR"/jobs/quarterly/*.json
  for bank in tiny tiny-frequency; do run_case "examples/$bank" "$WORK/$bank" "$np" "$FINSEG_SHARED_DIR/examples/$bank"/jobs/*.json; done
done

if [ -n "$record" ]; then
  cat "$hashes" "$WORK/np1" >"$record"
  echo "recorded $(wc -l <"$record") hashes in $record"
  exit 0
fi
[ -f "$expected" ] || fail "no expected hashes: $expected"
grep '  store/' "$expected" | diff - "$hashes" >/dev/null \
  || fail "the generated demo bank is not e6753f1's (its CSV export differs): the documents cannot be compared"
users=$(grep -c '"userId"' "$WORK/results/np1-demo-jobs-uc01-recurring-overdraft/result.json" || true)
[ "$users" -gt 0 ] || fail "the demo bank selects no user for uc01: the test would prove little"
for np in "${nps[@]}"; do
  if ! grep -v '  store/' "$expected" | diff - "$WORK/np$np" >"$WORK/diff"; then
    cat "$WORK/diff"; fail "documents at np $np differ from e6753f1's (< expected, > now)"
  fi
done
echo "$(grep -vc '  store/' "$expected") documents byte-identical to e6753f1's at np ${nps[*]}"
