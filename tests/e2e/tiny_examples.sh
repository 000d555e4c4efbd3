#!/usr/bin/env bash
# The hand-checked examples of shared/examples: import each bank, run every job of it by a known
# jobId, and compare every document with the expected one as numbers (compare_results.py).
source "$(dirname "$0")/lib.sh"
for bank in tiny tiny-frequency; do
  src="$FINSEG_SHARED_DIR/examples/$bank"
  "$FINSEG" import --csv "$src" --out "$WORK/$bank.store" --shards 2 >/dev/null
  jobs=("$src"/jobs/*.json)
  ids=()
  for j in "${jobs[@]}"; do ids+=(--job-id "$(basename "$j" .json)"); done
  "$FINSEG" run --store "$WORK/$bank.store" --results "$WORK/$bank.results" "${ids[@]}" "${jobs[@]}" > "$WORK/ids"
  [ "$(wc -l < "$WORK/ids")" -eq "${#jobs[@]}" ] || fail "run printed $(wc -l < "$WORK/ids") jobIds for ${#jobs[@]} jobs"
  for j in "${jobs[@]}"; do
    name=$(basename "$j" .json)
    "$FINSEG" get --results "$WORK/$bank.results" "$name" > "$WORK/$bank-$name.json"
    $COMPARE "$src/expected/$name.json" "$WORK/$bank-$name.json" || fail "$bank/$name differs from the expected document"
  done
done
echo "all expected documents match"
