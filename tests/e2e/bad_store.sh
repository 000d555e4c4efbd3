#!/usr/bin/env bash
# A missing, truncated or corrupt shard is found, named in the error, exit code 4, and a run over
# it commits no result. A run verifies what it reads (size, HDF5 metadata checksums, Fletcher32
# of every chunk it reads), so the run cases damage a dataset the job reads (the first chunk of
# /transactions/amount); `finseg inspect` and `finseg run --verify-store` verify every byte
# (whole-file CRC), so they also find damage in the middle of the file, wherever that lands.
source "$(dirname "$0")/lib.sh"
"$FINSEG" generate --users 60 --months 4 --shards 3 --out "$WORK/good" >/dev/null
"$FINSEG" inspect --chunks "$WORK/good" >"$WORK/chunks"
job="$FINSEG_SOURCE_DIR/jobs/income-spending-summary.json"
# "offset bytes" of the first chunk of /transactions/amount in shard 1
read -r amount_at amount_len < <(awk '$1 == "shard-00001.h5" && $2 == "/transactions/amount" && $3 == 0 {print $4, $5}' "$WORK/chunks")
[ -n "${amount_len:-}" ] && [ "$amount_len" -gt 16 ] || fail "no first chunk of /transactions/amount in: $(cat "$WORK/chunks")"
damage() {  # damage NAME HOW: copy the store and damage shard 1
  rm -rf "$WORK/$1"; cp -r "$WORK/good" "$WORK/$1"
  local f="$WORK/$1/shard-00001.h5"
  case "$2" in
    missing) rm "$f" ;;
    truncated) truncate -s $(( $(stat -c %s "$f") / 2 )) "$f" ;;
    middle) printf 'XXXXXXXX' | dd of="$f" bs=1 seek=$(( $(stat -c %s "$f") / 2 )) conv=notrunc status=none ;;
    amount) printf 'XXXXXXXX' | dd of="$f" bs=1 seek=$(( amount_at + amount_len / 2 )) conv=notrunc status=none ;;
  esac
}
for how in missing truncated middle amount; do
  damage "$how" "$how"
  expect_exit 4 "$FINSEG" inspect "$WORK/$how"
  grep -q "shard-00001.h5" "$WORK/err" || fail "inspect of a $how shard does not name it: $(cat "$WORK/err")"
  if [ "$how" = middle ]; then
    # The middle of the file may be in a column the job does not read; run --verify-store checks
    # the whole file's CRC-32 first, wherever the damage lands.
    expect_exit 4 mpi 2 "$FINSEG" run --verify-store --store "$WORK/$how" --results "$WORK/res-$how" --job-id jm "$job"
    grep -q "shard-00001.h5.*checksum mismatch" "$WORK/err" || fail "run --verify-store does not name the damaged shard: $(cat "$WORK/err")"
    [ ! -e "$WORK/res-$how/jm/result.json" ] || fail "a result was committed over a damaged store"
    continue
  fi
  for np in 1 3; do
    expect_exit 4 mpi "$np" "$FINSEG" run --store "$WORK/$how" --results "$WORK/res-$how-$np" --job-id "j$np" "$job"
    grep -q "shard-00001.h5" "$WORK/err" || fail "run over a $how shard does not name it: $(cat "$WORK/err")"
    [ "$how" != amount ] || grep -q "Fletcher32" "$WORK/err" || fail "damaged amounts are not a chunk checksum error: $(cat "$WORK/err")"
    [ ! -e "$WORK/res-$how-$np/j$np/result.json" ] || fail "a result was committed over a $how shard"
    expect_exit 12 "$FINSEG" get --results "$WORK/res-$how-$np" "j$np"
  done
done
rm -f "$WORK/good/manifest.json"
expect_exit 4 "$FINSEG" inspect "$WORK/good"
grep -q "manifest.json" "$WORK/err" || fail "a store without manifest is not named"
echo "bad shards detected and named; nothing committed"
