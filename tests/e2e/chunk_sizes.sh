#!/usr/bin/env bash
# The same bank (2 shards of ~28,500 transactions) written with chunks of 64 values (many chunks
# per block), 8,192 (the default: about two blocks, read chunk by chunk into a window) and 65,536
# (as stores were written before; here a chunk of the whole shard column, read whole:
# ShardScanner::scan_whole) gives byte-identical documents at 1 and 2 ranks; the stores
# hold the same data (their CSV exports are equal) and the default store's chunks are 8,192 values.
source "$(dirname "$0")/lib.sh"
for c in 64 8192 65536; do
  "$FINSEG" generate --users 600 --months 25 --seed 7 --shards 2 --chunk-elements "$c" --out "$WORK/s$c" >/dev/null
  "$FINSEG" export --store "$WORK/s$c" --csv "$WORK/csv$c" >/dev/null
done
"$FINSEG" generate --users 600 --months 25 --seed 7 --shards 2 --out "$WORK/default" >/dev/null
cmp -s "$WORK/default/shard-00000.h5" "$WORK/s8192/shard-00000.h5" || fail "the default store is not the 8,192-value one"
for c in 64 65536; do
  for f in accounts.csv transactions.csv; do
    cmp -s "$WORK/csv8192/$f" "$WORK/csv$c/$f" || fail "$f of the store with chunks of $c differs"
  done
done

ids=(); for j in "$FINSEG_SOURCE_DIR"/jobs/*.json; do ids+=(--job-id "$(basename "$j" .json)"); done
for np in 1 2; do
  for c in 64 8192 65536; do
    mpi "$np" "$FINSEG" run --store "$WORK/s$c" --results "$WORK/r$np-$c" "${ids[@]}" "$FINSEG_SOURCE_DIR"/jobs/*.json \
      >/dev/null 2>"$WORK/run.log" || { cat "$WORK/run.log"; fail "run over chunks of $c at np $np failed"; }
  done
  for j in "$FINSEG_SOURCE_DIR"/jobs/*.json; do
    id=$(basename "$j" .json)
    [ -s "$WORK/r$np-8192/$id/result.json" ] || fail "no document $id at np $np"
    for c in 64 65536; do
      cmp -s "$WORK/r$np-8192/$id/result.json" "$WORK/r$np-$c/$id/result.json" ||
        fail "document $id at np $np differs between chunks of 8192 and $c"
    done
  done
done
echo "chunk sizes: documents identical over chunks of 64, 8192 and 65536 at np 1 and 2"
