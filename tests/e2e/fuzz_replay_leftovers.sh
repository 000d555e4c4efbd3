#!/usr/bin/env bash
# The seed replays of the fuzz targets that write files (tests/fuzz/fuzz_support.hpp,
# scratch_dir) leave nothing behind in their temporary folder after a normal exit.
source "$(dirname "$0")/lib.sh"
build="$(cd "$(dirname "$FINSEG")/../.." && pwd)"
[ -x "$build/tests/fuzz/replay_csv_import" ] || { echo "no replay binaries in $build/tests/fuzz"; exit 77; }
for t in csv_import csv_source partial_file; do
  mkdir "$WORK/tmp-$t"
  TMPDIR="$WORK/tmp-$t" "$build/tests/fuzz/replay_$t" "$FINSEG_SOURCE_DIR/tests/fuzz/$t" 2>"$WORK/$t.log" ||
    { tail -5 "$WORK/$t.log"; fail "replay_$t failed"; }
  grep -q "inputs passed" "$WORK/$t.log" || fail "replay_$t replayed nothing"
  left=$(ls -A "$WORK/tmp-$t")
  [ -z "$left" ] || fail "replay_$t left $left behind in its TMPDIR"
done
echo "the replays of csv_import, csv_source and partial_file leave nothing behind"
