#!/usr/bin/env bash
# The classifier shipped with finseg (docs/labeller.md, "The shipped classifier"): the committed
# config/label-classifier.bin is exactly what scripts/train-label-classifier writes (so it is
# rebuilt from data and code, never edited by hand); finseg import uses it by default and counts
# the rows it labels; train-labeller and import refuse bad input with clear errors.
source "$(dirname "$0")/lib.sh"
FINSEG="$FINSEG" OUT="$WORK/classifier.bin" "$FINSEG_SOURCE_DIR/scripts/train-label-classifier" >"$WORK/train.out"
cmp "$WORK/classifier.bin" "$FINSEG_SOURCE_DIR/config/label-classifier.bin" ||
  fail "config/label-classifier.bin is not what scripts/train-label-classifier writes: rerun the script and commit its output"
grep -q "held out" "$WORK/train.out" || fail "no training summary: $(cat "$WORK/train.out")"

# An import with every labels cell empty: the shipped classifier labels what the rules do not know.
mkdir -p "$WORK/bank"
printf 'accountId,userId,accountType,currency,balance,balanceDate\nA1,U1,checking,EUR,100.00,2025-01-31\n' > "$WORK/bank/accounts.csv"
cat > "$WORK/bank/transactions.csv" <<'CSV'
transactionId,accountId,bookingDate,amount,counterpartName,counterpartIban,purpose,labels
T1,A1,2025-01-03,-12.40,SumUp *Zur Linde,,SumUp *Zur Linde//Bonn/DE,
T2,A1,2025-01-04,-61.10,REWE Markt GmbH,,REWE SAGT DANKE 4711,
T3,A1,2025-01-05,-200.00,,,Bargeldauszahlung GA 1234,
CSV
"$FINSEG" import --csv "$WORK/bank" --out "$WORK/store" >/dev/null 2>"$WORK/import.err" || fail "import failed: $(cat "$WORK/import.err")"
# The cash withdrawal is kept unlabelled by the fallback rule 'unlabelled-car-and-fees' (a rule's [] counts as rule).
grep -Eq 'rule 2, .*shipped classifier 1, recurrence 0, left empty 0' "$WORK/import.err" ||
  fail "the shipped classifier did not label the unknown inn: $(cat "$WORK/import.err")"
"$FINSEG" import --csv "$WORK/bank" --out "$WORK/store2" --classifier "$WORK/classifier.bin" >/dev/null 2>"$WORK/import2.err"
cmp <(grep 'labels by source' "$WORK/import.err") <(grep 'labels by source' "$WORK/import2.err") || fail "--classifier of the same file differs"

# Errors: a labels cell outside the taxonomy names file, line and value; a missing classifier is an
# I/O error, a corrupt one bad input; --classifier needs --labels learn.
printf 'counterpartName,purpose,amount,labels\nX,Y,-1.00,GROCERIES\nZ,W,-2.00,FOOD\n' > "$WORK/bad.csv"
expect_exit 3 "$FINSEG" train-labeller --csv "$WORK/bad.csv" --out "$WORK/x.bin"
grep -q "bad.csv:3: labels 'FOOD'" "$WORK/err" || fail "the error does not name file, line and value: $(cat "$WORK/err")"
[ ! -e "$WORK/x.bin" ] || fail "a classifier was written despite an error"
expect_exit 6 "$FINSEG" import --csv "$WORK/bank" --out "$WORK/x" --classifier "$WORK/no-such-file"
head -c 100 "$WORK/classifier.bin" > "$WORK/cut.bin"
expect_exit 3 "$FINSEG" import --csv "$WORK/bank" --out "$WORK/x" --classifier "$WORK/cut.bin"
grep -q "cut.bin" "$WORK/err" || fail "the error does not name the classifier file: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" import --csv "$WORK/bank" --out "$WORK/x" --labels rules --classifier "$WORK/classifier.bin"
[ ! -e "$WORK/x" ] || fail "a store was written despite an error"
echo "ok"
