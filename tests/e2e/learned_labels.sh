#!/usr/bin/env bash
# finseg import --labels learn|rules|none (docs/labeller.md): a demo bank exported with 30 % of
# its labels cells emptied is labelled back from the other rows (agreement checked against the
# hidden labels); the import reports the source of every row's labels; a saved model labels a
# later import with every cell empty; `none` leaves empty cells empty; the store is the same at
# 1 and 3 ranks; bad options and a corrupt model are clear errors; the merchant list labels a listed
# brand, --brands replaces it, a bad list is refused.
source "$(dirname "$0")/lib.sh"
"$FINSEG" generate --users 60 --months 13 --seed 3 --shards 1 --out "$WORK/bank" >/dev/null
"$FINSEG" export --store "$WORK/bank" --csv "$WORK/full" >/dev/null
# blank PERCENT SRC DST: empties the labels cell of PERCENT % of the rows (by a hash of the id).
blank() {
  mkdir -p "$3"; cp "$2/accounts.csv" "$3/"
  /usr/bin/python3 - "$1" "$2/transactions.csv" "$3/transactions.csv" <<'PY'
import csv, sys, zlib
pct, src, dst = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(src, newline='', encoding='utf-8') as f, open(dst, 'w', newline='', encoding='utf-8') as g:
    r, w = csv.DictReader(f), None
    for row in r:
        if w is None:
            w = csv.DictWriter(g, r.fieldnames, lineterminator='\n'); w.writeheader()
        if zlib.crc32(row['transactionId'].encode()) % 100 < pct: row['labels'] = ''
        w.writerow(row)
PY
}
# agreement TRUTH_CSV STORE: share of rows whose labels equal the truth, over the emptied rows of BLANKED.
agreement() {
  rm -rf "$WORK/check"; "$FINSEG" export --store "$2" --csv "$WORK/check" >/dev/null
  /usr/bin/python3 - "$1/transactions.csv" "$3/transactions.csv" "$WORK/check/transactions.csv" <<'PY'
import csv, sys
load = lambda p: {r['transactionId']: r['labels'] for r in csv.DictReader(open(p, newline='', encoding='utf-8'))}
truth, blanked, got = load(sys.argv[1]), load(sys.argv[2]), load(sys.argv[3])
ids = [i for i, l in blanked.items() if l == '']
print('%.4f' % (sum(truth[i] == got[i] for i in ids) / len(ids)))
PY
}
blank 30 "$WORK/full" "$WORK/part"
blank 100 "$WORK/full" "$WORK/empty"

"$FINSEG" import --csv "$WORK/part" --out "$WORK/learn" --save-model "$WORK/model" >/dev/null 2>"$WORK/learn.err"
grep -Eq 'labels by source: bank [1-9][0-9]*, rule [0-9]+, memory [1-9][0-9]*, merchant list [0-9]+, classifier [0-9]+, shipped classifier [0-9]+, recurrence [0-9]+, left empty [0-9]+' \
  "$WORK/learn.err" || fail "no report of the label sources: $(cat "$WORK/learn.err")"
a=$(agreement "$WORK/full" "$WORK/learn" "$WORK/part")
/usr/bin/python3 -c "import sys; sys.exit(0 if $a >= 0.95 else 1)" || fail "learned agreement $a < 0.95"
[ -s "$WORK/model" ] || fail "--save-model wrote no model"

# The default is learn; the same store at 3 ranks (the import reads on rank 0, the others wait).
mpi 3 "$FINSEG" import --csv "$WORK/part" --out "$WORK/learn3" >/dev/null 2>&1
sum() { /usr/bin/python3 -c "import json,sys; print([s['checksum'] for s in json.load(open(sys.argv[1]))['shards']])" "$1"; }
[ "$(sum "$WORK/learn/manifest.json")" = "$(sum "$WORK/learn3/manifest.json")" ] || fail "learned labels differ at 3 ranks"

# A later import with every cell empty, labelled by the saved model (memory + classifier).
"$FINSEG" import --csv "$WORK/empty" --out "$WORK/later" --model "$WORK/model" >/dev/null 2>"$WORK/later.err"
grep -Eq 'memory [1-9]' "$WORK/later.err" || fail "the saved model's memory was not used: $(cat "$WORK/later.err")"
b=$(agreement "$WORK/full" "$WORK/later" "$WORK/empty")
"$FINSEG" import --csv "$WORK/empty" --out "$WORK/rules" --labels rules >/dev/null 2>"$WORK/rules.err"
c=$(agreement "$WORK/full" "$WORK/rules" "$WORK/empty")
/usr/bin/python3 -c "import sys; sys.exit(0 if $b >= 0.95 and $b >= $c - 0.005 else 1)" || fail "model agreement $b (rules alone $c)"
grep -q 'labels by source' "$WORK/rules.err" && fail "--labels rules reports learned sources"

# none: empty cells stay empty.
"$FINSEG" import --csv "$WORK/part" --out "$WORK/none" --labels none >/dev/null 2>&1
"$FINSEG" export --store "$WORK/none" --csv "$WORK/none.csv" >/dev/null
cmp <(cut -d, -f1 "$WORK/part/transactions.csv" | sort) <(cut -d, -f1 "$WORK/none.csv/transactions.csv" | sort) >/dev/null ||
  fail "rows lost"
n_part=$(/usr/bin/python3 -c "import csv,sys; print(sum(r['labels']=='' for r in csv.DictReader(open(sys.argv[1]))))" "$WORK/part/transactions.csv")
n_none=$(/usr/bin/python3 -c "import csv,sys; print(sum(r['labels']=='' for r in csv.DictReader(open(sys.argv[1]))))" "$WORK/none.csv/transactions.csv")
[ "$n_part" = "$n_none" ] || fail "--labels none labelled rows ($n_part empty cells before, $n_none after)"

# Errors: a bad mode is a usage error, a missing model an I/O error, a corrupt one bad input.
expect_exit 2 "$FINSEG" import --csv "$WORK/part" --out "$WORK/x" --labels guess
expect_exit 2 "$FINSEG" import --csv "$WORK/part" --out "$WORK/x" --labels rules --model "$WORK/model"
expect_exit 6 "$FINSEG" import --csv "$WORK/part" --out "$WORK/x" --model "$WORK/no-such-model"
head -c 200 "$WORK/model" > "$WORK/cut-model"
expect_exit 3 "$FINSEG" import --csv "$WORK/part" --out "$WORK/x" --model "$WORK/cut-model"
grep -q "cut-model" "$WORK/err" || fail "the error does not name the model file: $(cat "$WORK/err")"
[ ! -e "$WORK/x" ] || fail "a store was written despite an error"
# A model learned with another taxonomy is refused (its label sets are bit masks of that taxonomy).
sed 's/"GAMBLING"/"BETTING"/' "$FINSEG_SOURCE_DIR/config/labels.json" > "$WORK/labels.json"
grep -q BETTING "$WORK/labels.json" || fail "could not make another taxonomy"
cp "$FINSEG_SOURCE_DIR/config/label-rules.json" "$WORK/label-rules.json"
sed -i 's/"GAMBLING"/"BETTING"/g' "$WORK/label-rules.json"
expect_exit 3 "$FINSEG" import --csv "$WORK/empty" --out "$WORK/x" --taxonomy "$WORK/labels.json" --model "$WORK/model"
grep -q "another taxonomy" "$WORK/err" || fail "no taxonomy error: $(cat "$WORK/err")"
# A model that cannot be written fails the import before the store exists.
expect_exit 6 "$FINSEG" import --csv "$WORK/part" --out "$WORK/x" --save-model "$WORK/no-such-dir/model"
[ ! -e "$WORK/x" ] || fail "a store was written although the model could not be"
ls "$WORK" | grep -q '^x\.' && fail "a temporary store was left behind: $(ls "$WORK")"
# The merchant list (config/label-brands.json, --brands FILE): a card payment whose text is only a
# brand's name gets the brand's trade; another list gives another answer; a bad list is refused.
mkdir -p "$WORK/brand"
printf 'accountId,userId,accountType,currency,balance,balanceDate\na1,u1,checking,EUR,100.00,2025-03-31\n' > "$WORK/brand/accounts.csv"
printf 'transactionId,accountId,bookingDate,amount,counterpartName,counterpartIban,purpose,labels\nb1,a1,2025-03-02,-39.95,HUNKEMOELLER 0815,,HUNKEMOELLER 0815 KOELN,\n' \
  > "$WORK/brand/transactions.csv"
label_of_b1() { rm -rf "$WORK/b.csv"; "$FINSEG" export --store "$1" --csv "$WORK/b.csv" >/dev/null; grep '^b1,' "$WORK/b.csv/transactions.csv" | awk -F, '{print $NF}'; }
"$FINSEG" import --csv "$WORK/brand" --out "$WORK/brand-default" >/dev/null 2>"$WORK/brand.err"
[ "$(label_of_b1 "$WORK/brand-default")" = "SHOPPING" ] || fail "the merchant list did not label a listed brand: $(label_of_b1 "$WORK/brand-default")"
grep -q 'merchant list 1' "$WORK/brand.err" || fail "no merchant-list source: $(cat "$WORK/brand.err")"
echo '{"brands": [{"labels": ["TRAVEL"], "names": ["Hunkemöller"]}]}' > "$WORK/brands.json"
"$FINSEG" import --csv "$WORK/brand" --out "$WORK/brand-own" --brands "$WORK/brands.json" >/dev/null 2>&1
[ "$(label_of_b1 "$WORK/brand-own")" = "TRAVEL" ] || fail "--brands FILE was not used"
expect_exit 2 "$FINSEG" import --csv "$WORK/brand" --out "$WORK/x" --labels rules --brands "$WORK/brands.json"
expect_exit 6 "$FINSEG" import --csv "$WORK/brand" --out "$WORK/x" --brands "$WORK/no-such-list.json"
echo '{"brands": [{"labels": ["SHOPING"], "names": ["Hunkemöller"]}]}' > "$WORK/bad-brands.json"
expect_exit 3 "$FINSEG" import --csv "$WORK/brand" --out "$WORK/x" --brands "$WORK/bad-brands.json"
grep -q "bad-brands.json: brands group #1: unknown label 'SHOPING'" "$WORK/err" || fail "the list error names no file and group: $(cat "$WORK/err")"
[ ! -e "$WORK/x" ] || fail "a store was written despite a bad merchant list"
echo "learned labels: agreement $a (30 % empty), $b (all empty, saved model), rules alone $c"
