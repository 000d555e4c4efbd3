#!/usr/bin/env bash
# The CLI's CSV path: import -> export -> import loses nothing (same shards, same export bytes);
# a rejected row fails the import with file:line, column and value, exit 3, and writes nothing;
# --max-rejects sets rows aside into a rejects file instead.
source "$(dirname "$0")/lib.sh"
tiny="$FINSEG_SHARED_DIR/examples/tiny"
"$FINSEG" import --csv "$tiny" --out "$WORK/a" --shards 2 >/dev/null
"$FINSEG" export --store "$WORK/a" --csv "$WORK/a.csv" >/dev/null
"$FINSEG" import --csv "$WORK/a.csv" --out "$WORK/b" --shards 2 >/dev/null
"$FINSEG" export --store "$WORK/b" --csv "$WORK/b.csv" >/dev/null
cmp "$WORK/a.csv/transactions.csv" "$WORK/b.csv/transactions.csv" || fail "transactions changed in the round trip"
cmp "$WORK/a.csv/accounts.csv" "$WORK/b.csv/accounts.csv" || fail "accounts changed in the round trip"
sum() { /usr/bin/python3 -c "import json,sys; print([s['checksum'] for s in json.load(open(sys.argv[1]))['shards']])" "$1"; }
[ "$(sum "$WORK/a/manifest.json")" = "$(sum "$WORK/b/manifest.json")" ] || fail "re-imported shards differ"
[ "$(grep -c . "$WORK/a.csv/transactions.csv")" -ge 36 ] || fail "export lost rows"
grep -q 'REWE SAGT DANKE 1234, ""Wocheneinkauf""' "$WORK/a.csv/transactions.csv" || fail "quotes not preserved"

# A bad amount on a known line: exit 3, the message names file, line, column and value; no store.
mkdir -p "$WORK/bad"
cp "$tiny/accounts.csv" "$WORK/bad/"
sed 's/^t-b10,b-card,2024-03-20,-35.50,/t-b10,b-card,2024-03-20,-35.505,/' "$tiny/transactions.csv" > "$WORK/bad/transactions.csv"
line=$(grep -n '^t-b10,' "$WORK/bad/transactions.csv" | cut -d: -f1)
expect_exit 3 "$FINSEG" import --csv "$WORK/bad" --out "$WORK/c"
grep -q "transactions.csv:$line" "$WORK/err" || fail "error does not name transactions.csv:$line: $(cat "$WORK/err")"
grep -q "amount" "$WORK/err" && grep -q -- "-35.505" "$WORK/err" || fail "error does not name column and value: $(cat "$WORK/err")"
[ ! -e "$WORK/c" ] || fail "a store was written despite a rejected row"
ls "$WORK" | grep -q '^c\.' && fail "a temporary store was left behind: $(ls "$WORK")"
# With an allowance the row is set aside with its reason, and the rest is imported.
"$FINSEG" import --csv "$WORK/bad" --out "$WORK/c" --max-rejects 1 --rejects "$WORK/rejects.csv" >/dev/null
grep -q "t-b10" "$WORK/rejects.csv" || fail "the rejected row is not in the rejects file"
[ -f "$WORK/c/manifest.json" ] || fail "import with --max-rejects wrote no store"
echo "CSV round trip lossless; rejection named; rejects file written"
