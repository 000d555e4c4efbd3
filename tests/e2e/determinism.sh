#!/usr/bin/env bash
# The same jobs over the same data give byte-identical documents at 1, 2, 3 and 4 ranks and
# with another shard count and another compression of the store.
source "$(dirname "$0")/lib.sh"
mpi 2 "$FINSEG" generate --users 400 --months 25 --seed 11 --shards 7 --out "$WORK/bank7" >/dev/null
"$FINSEG" export --store "$WORK/bank7" --csv "$WORK/csv" >/dev/null
"$FINSEG" import --csv "$WORK/csv" --out "$WORK/bank3" --shards 3 --compression none >/dev/null
jobs=("$FINSEG_SOURCE_DIR"/jobs/*.json)
run_all() {  # run_all NAME NP STORE
  local ids=()
  for j in "${jobs[@]}"; do ids+=(--job-id "$1-$(basename "$j" .json)"); done
  mpi "$2" "$FINSEG" run --store "$3" --results "$WORK/results" "${ids[@]}" "${jobs[@]}" >/dev/null 2>"$WORK/$1.log" \
    || { cat "$WORK/$1.log"; fail "run $1 failed"; }
}
run_all np1 1 "$WORK/bank7"
for np in 2 3 4; do run_all "np$np" "$np" "$WORK/bank7"; done
run_all shards3 2 "$WORK/bank3"
for j in "${jobs[@]}"; do
  name=$(basename "$j" .json)
  ref="$WORK/results/np1-$name/result.json"
  [ -s "$ref" ] || fail "no document for $name"
  grep -q '"userId"' "$ref" || fail "$name selected no user on the generated bank: the test would prove nothing"
  for other in np2 np3 np4 shards3; do
    cmp "$ref" "$WORK/results/$other-$name/result.json" || fail "$name: $other differs from np1"
  done
done
echo "documents byte-identical at 1-4 ranks and 7 vs 3 shards"
