#!/usr/bin/env bash
# `mpirun -np P finseg import` (issue 12): several files per kind, gzip and zstd among them, tiny
# units; the same store at 1-4 ranks, also with a --memory-budget that sorts every shard in groups
# of users, and the rows of a serial import of the same data in one
# file (its export); a bad row in the last range at np 3 fails with file:line and writes nothing;
# --max-rejects sets rows aside across ranks into one rejects file; a rank killed mid-import
# leaves nothing committed and a rerun succeeds; scripts/quarterly --csv.
source "$(dirname "$0")/lib.sh"
command -v zstd >/dev/null && command -v gzip >/dev/null || { echo "needs gzip and zstd"; exit 77; }
"$FINSEG" generate --users 120 --months 4 --shards 2 --out "$WORK/g" >/dev/null
"$FINSEG" export --store "$WORK/g" --csv "$WORK/one" >/dev/null
"$FINSEG" import --csv "$WORK/one" --out "$WORK/ref" --shards 3 >/dev/null
"$FINSEG" export --store "$WORK/ref" --csv "$WORK/ref.csv" >/dev/null

# The same rows cut into files (in name order = row order), some compressed.
split_csv() {  # FILE PREFIX N: N files PREFIX-k.csv, each with the header
  /usr/bin/python3 - "$@" <<'PY'
import csv, sys
src, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = list(csv.reader(open(src, newline='', encoding='utf-8')))
head, body = rows[0], rows[1:]
for k in range(n):
    with open(f"{prefix}-{k}.csv", "w", newline='', encoding='utf-8') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(head)
        w.writerows(body[k * len(body) // n:(k + 1) * len(body) // n])
PY
}
mkdir -p "$WORK/many"
split_csv "$WORK/one/accounts.csv" "$WORK/many/accounts" 2
split_csv "$WORK/one/transactions.csv" "$WORK/many/transactions" 3
gzip "$WORK/many/transactions-1.csv"
zstd -q --rm "$WORK/many/accounts-1.csv"
ls "$WORK/many" | tr '\n' ' ' | grep -q 'accounts-1.csv.zst' || fail "no zstd file made"
for np in 1 2 3 4; do
  mpi $np "$FINSEG" import --csv "$WORK/many" --out "$WORK/s$np" --shards 3 --unit-bytes 3000 >/dev/null 2>"$WORK/log$np" ||
    { cat "$WORK/log$np"; fail "import at np $np failed"; }
  [ $np = 1 ] || diff -r "$WORK/s1" "$WORK/s$np" >/dev/null || fail "the store at np $np differs from np 1"
  # A budget far below a shard's rows: every shard sorted in groups of users, the same bytes.
  mpi $np "$FINSEG" import --csv "$WORK/many" --out "$WORK/t$np" --shards 3 --unit-bytes 3000 --memory-budget 64K >/dev/null 2>"$WORK/tlog$np" ||
    { cat "$WORK/tlog$np"; fail "import with a tiny budget at np $np failed"; }
  grep -q "3 of 3 shards larger than the memory budget were sorted in groups" "$WORK/tlog$np" || fail "not grouped: $(cat "$WORK/tlog$np")"
  diff -r "$WORK/s1" "$WORK/t$np" >/dev/null || fail "the store with a tiny budget at np $np differs"
done
# Read with pread instead of mapping the files (FINSEG_CSV_READ=pread): the same store.
mpi 2 -x FINSEG_CSV_READ=pread "$FINSEG" import --csv "$WORK/many" --out "$WORK/p2" --shards 3 --unit-bytes 3000 >/dev/null 2>&1 ||
  fail "import with FINSEG_CSV_READ=pread failed"
diff -r "$WORK/s1" "$WORK/p2" >/dev/null || fail "the store read with pread differs from the mapped one's"
grep -q "phases: plan" "$WORK/log2" || fail "no phase times on stderr: $(cat "$WORK/log2")"
"$FINSEG" export --store "$WORK/s3" --csv "$WORK/s3.csv" >/dev/null
cmp "$WORK/s3.csv/transactions.csv" "$WORK/ref.csv/transactions.csv" || fail "transactions differ from the serial import's"
cmp "$WORK/s3.csv/accounts.csv" "$WORK/ref.csv/accounts.csv" || fail "accounts differ from the serial import's"

# A bad row at the very end of the last file (the last range of the last rank): exit 3 at np 3.
cp -r "$WORK/many" "$WORK/bad"
printf 'bad-1,%s,2026-01-02,12.345,X,DE1,p,\n' "$(sed -n 2p "$WORK/one/accounts.csv" | cut -d, -f1)" >> "$WORK/bad/transactions-2.csv"
line=$(wc -l < "$WORK/bad/transactions-2.csv")
for budget in 512M 64K; do
  expect_exit 3 mpi 3 "$FINSEG" import --csv "$WORK/bad" --out "$WORK/b" --unit-bytes 2000 --memory-budget $budget
  grep -q "transactions-2.csv:$line: column 'amount' value '12.345'" "$WORK/err" || fail "not named: $(cat "$WORK/err")"
  [ ! -e "$WORK/b" ] && ! ls "$WORK" | grep -q '^b\.tmp' || fail "something was left: $(ls "$WORK")"
done

# Two bad rows in two files found by different ranks: set aside in file order, once.
printf 'bad-0,nowhere,2026-01-02,1.00,X,DE1,p,\n' >> "$WORK/bad/transactions-0.csv"
for np in 1 3; do
  mpi $np "$FINSEG" import --csv "$WORK/bad" --out "$WORK/r$np" --unit-bytes 2000 --max-rejects 2 --rejects "$WORK/rej$np.csv" >/dev/null 2>&1 ||
    fail "--max-rejects 2 failed at np $np"
done
cmp "$WORK/rej1.csv" "$WORK/rej3.csv" || fail "the rejects file depends on the ranks"
[ "$(sed -n 2p "$WORK/rej3.csv" | cut -d, -f1)" = transactions-0.csv ] && [ "$(sed -n 3p "$WORK/rej3.csv" | cut -d, -f1)" = transactions-2.csv ] ||
  fail "rejects not in file order: $(cat "$WORK/rej3.csv")"
expect_exit 3 mpi 3 "$FINSEG" import --csv "$WORK/bad" --out "$WORK/r4" --unit-bytes 2000 --max-rejects 1 --rejects "$WORK/rej4.csv"
grep -q "more rejected rows than the 1 allowed" "$WORK/err" && [ ! -e "$WORK/rej4.csv" ] && [ ! -e "$WORK/r4" ] || fail "one too many: $(cat "$WORK/err")"

# A rank killed while the shards are written: nothing committed, the rerun succeeds and cleans up.
"$FINSEG" generate --users 1500 --months 12 --shards 2 --out "$WORK/g2" >/dev/null
"$FINSEG" export --store "$WORK/g2" --csv "$WORK/big" >/dev/null
mpi 3 "$FINSEG" import --csv "$WORK/big" --out "$WORK/k" --shards 6 --labels rules >/dev/null 2>&1 &
launcher=$!
for _ in $(seq 600); do compgen -G "$WORK/k.tmp-*/staging/txn-rows-*" >/dev/null && break; sleep 0.05; done
victim=""  # a rank (a finseg process), not the launcher
for p in $(pgrep -f "finseg import --csv $WORK/big" || true); do [ "$(ps -o comm= -p "$p")" = finseg ] && victim=$p; done
[ -n "$victim" ] || fail "no rank to kill"
kill -9 "$victim"
wait "$launcher" && fail "the import survived a killed rank"
[ ! -e "$WORK/k" ] || fail "a store was committed although a rank was killed"
mpi 3 "$FINSEG" import --csv "$WORK/big" --out "$WORK/k" --shards 6 --labels rules >/dev/null 2>&1 || fail "the rerun failed"
[ -f "$WORK/k/manifest.json" ] && ! compgen -G "$WORK/k.tmp-*" >/dev/null || fail "rerun left: $(ls "$WORK")"
# scripts/quarterly --csv: the import at the run's ranks, then every job; a rerun uses the store it
# imported; a store made otherwise is refused (exit 6).
q=(--csv "$WORK/many" --results "$WORK/qres" --quarter-end 2026-09-30 --ranks 2)
FINSEG_BIN="$FINSEG" "$FINSEG_SOURCE_DIR/scripts/quarterly" "${q[@]}" --store "$WORK/q" >"$WORK/q.ids" 2>"$WORK/q.err" ||
  { cat "$WORK/q.err"; fail "quarterly --csv failed"; }
[ -f "$WORK/q/manifest.json" ] && [ "$(wc -l <"$WORK/q.ids")" -ge 5 ] || fail "quarterly --csv: no store or no jobIds"
FINSEG_BIN="$FINSEG" "$FINSEG_SOURCE_DIR/scripts/quarterly" "${q[@]}" --store "$WORK/q" >/dev/null 2>"$WORK/q2.err" ||
  fail "quarterly --csv rerun failed: $(tail -3 "$WORK/q2.err")"
grep -q "was imported from .* already: using it" "$WORK/q2.err" || fail "the rerun did not reuse its store"
expect_exit 6 env FINSEG_BIN="$FINSEG" "$FINSEG_SOURCE_DIR/scripts/quarterly" "${q[@]}" --store "$WORK/g"
echo "parallel import: same store at 1-4 ranks from 5 files (gz, zst), serial rows, errors and rejects across ranks, killed rank"
