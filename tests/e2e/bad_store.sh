#!/usr/bin/env bash
# A missing, truncated or corrupt shard is found on open, named in the error, exit code 4, and a
# run over it commits no result.
source "$(dirname "$0")/lib.sh"
"$FINSEG" generate --users 60 --months 4 --shards 3 --out "$WORK/good" >/dev/null
"$FINSEG" inspect "$WORK/good" >/dev/null
job="$FINSEG_SOURCE_DIR/jobs/income-spending-summary.json"
damage() {  # damage NAME HOW: copy the store and damage shard 1
  rm -rf "$WORK/$1"; cp -r "$WORK/good" "$WORK/$1"
  local f="$WORK/$1/shard-00001.h5"
  case "$2" in
    missing) rm "$f" ;;
    truncated) truncate -s $(( $(stat -c %s "$f") / 2 )) "$f" ;;
    corrupt) printf 'XXXXXXXX' | dd of="$f" bs=1 seek=$(( $(stat -c %s "$f") / 2 )) conv=notrunc status=none ;;
  esac
}
for how in missing truncated corrupt; do
  damage "$how" "$how"
  expect_exit 4 "$FINSEG" inspect "$WORK/$how"
  grep -q "shard-00001.h5" "$WORK/err" || fail "inspect of a $how shard does not name it: $(cat "$WORK/err")"
  for np in 1 3; do
    expect_exit 4 mpi "$np" "$FINSEG" run --store "$WORK/$how" --results "$WORK/res-$how-$np" --job-id "j$np" "$job"
    grep -q "shard-00001.h5" "$WORK/err" || fail "run over a $how shard does not name it: $(cat "$WORK/err")"
    [ ! -e "$WORK/res-$how-$np/j$np/result.json" ] || fail "a result was committed over a $how shard"
    expect_exit 12 "$FINSEG" get --results "$WORK/res-$how-$np" "j$np"
  done
done
rm -f "$WORK/good/manifest.json"
expect_exit 4 "$FINSEG" inspect "$WORK/good"
grep -q "manifest.json" "$WORK/err" || fail "a store without manifest is not named"
echo "bad shards detected and named; nothing committed"
