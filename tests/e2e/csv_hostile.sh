#!/usr/bin/env bash
# Issue 16 items 6, 9, 11 (rejects file): hostile CSV through the CLI. Invalid UTF-8 and money
# sums that would overflow int64 cents are rejected rows (exit 3, file:line, column, the value
# escaped, the account named), set aside by --max-rejects like any other; the documents of a run
# over what was imported are valid JSON. An existing --rejects file is refused (exit 6).
source "$(dirname "$0")/lib.sh"
tiny="$FINSEG_SHARED_DIR/examples/tiny"
mkdir -p "$WORK/utf8" "$WORK/sums"
# userId user-\xff on account a-9, and an insurance provider (counterpartName) with a lone \xc3
sed 's/^a-9,user-a,/a-9,user-\xff,/' "$tiny/accounts.csv" > "$WORK/utf8/accounts.csv"
sed 's/^t-a01,a-9,2023-03-15,-60.00,HUK-COBURG,/t-a01,a-9,2023-03-15,-60.00,HUK-COBURG \xc3,/' "$tiny/transactions.csv" > "$WORK/utf8/transactions.csv"
expect_exit 3 "$FINSEG" import --csv "$WORK/utf8" --out "$WORK/s1"
grep -q "accounts.csv:2: column 'userId' value 'user-\\\\xff': not valid UTF-8 (byte 0xff at offset 5)" "$WORK/err" ||
  fail "invalid UTF-8 in userId not named: $(cat "$WORK/err")"
/usr/bin/python3 -c "import sys; open(sys.argv[1], encoding='utf-8').read()" "$WORK/err" || fail "the error message is not UTF-8"
[ ! -e "$WORK/s1" ] || fail "a store was written"
# Only the provider left bad: set aside, the rest imported and run; the documents are valid JSON.
cp "$tiny/accounts.csv" "$WORK/utf8/accounts.csv"
"$FINSEG" import --csv "$WORK/utf8" --out "$WORK/s2" --max-rejects 1 --rejects "$WORK/rejects.csv" >/dev/null
grep -q "counterpartName,HUK-COBURG \\\\xc3,not valid UTF-8" "$WORK/rejects.csv" || fail "rejects file: $(cat "$WORK/rejects.csv")"
/usr/bin/python3 -c "import sys; open(sys.argv[1], encoding='utf-8').read()" "$WORK/rejects.csv" || fail "the rejects file is not UTF-8"
"$FINSEG" run --store "$WORK/s2" --results "$WORK/res" --job-id uc04 "$FINSEG_SOURCE_DIR/jobs/uc04-insurance-cross-selling.json" >/dev/null 2>&1
/usr/bin/python3 -c "import json, sys; json.load(open(sys.argv[1], encoding='utf-8'))" "$WORK/res/uc04/result.json" || fail "result is not JSON"
# An existing rejects file is refused before anything is read, and kept; --replace-rejects replaces it.
echo keep > "$WORK/keep.csv"
expect_exit 6 "$FINSEG" import --csv "$WORK/utf8" --out "$WORK/s3" --max-rejects 1 --rejects "$WORK/keep.csv"
grep -q "keep.csv exists already" "$WORK/err" || fail "no clear refusal: $(cat "$WORK/err")"
[ "$(cat "$WORK/keep.csv")" = keep ] && [ ! -e "$WORK/s3" ] || fail "the rejects file was overwritten or a store written"
"$FINSEG" import --csv "$WORK/utf8" --out "$WORK/s3" --max-rejects 1 --rejects "$WORK/keep.csv" --replace-rejects >/dev/null
grep -q "HUK-COBURG" "$WORK/keep.csv" || fail "--replace-rejects did not replace the rejects file"

# The issue's overflow probes: a balance of INT64_MAX cents then a -1.00 transaction; two amounts
# of 9e16. Each is a rejected row naming the account; with an allowance the jobs then run (exit 0).
cp "$tiny/accounts.csv" "$tiny/transactions.csv" "$WORK/sums/"
printf 'big-1,user-big,checking,EUR,92233720368547758.07,2024-04-10\nbig-2,user-big2,savings,EUR,0.00,2024-04-10\n' >> "$WORK/sums/accounts.csv"
printf 'x-1,big-1,2024-04-01,-1.00,,,,\nx-2,big-2,2024-04-01,90000000000000000,,,,\nx-3,big-2,2024-04-02,90000000000000000,,,,\n' >> "$WORK/sums/transactions.csv"
n=$(wc -l < "$WORK/sums/transactions.csv")
expect_exit 3 "$FINSEG" import --csv "$WORK/sums" --out "$WORK/s4"
grep -q "transactions.csv:$((n - 2)): column 'amount' value '-1.00': the money sums of account big-1 (user user-big) would overflow int64 cents" "$WORK/err" ||
  fail "balance + amount overflow not named: $(cat "$WORK/err")"
grep -q "transactions.csv:$n: column 'amount' value '90000000000000000': the money sums of account big-2" "$WORK/err" ||
  fail "two large amounts not named: $(cat "$WORK/err")"
grep -q "2 rejected rows in total" "$WORK/err" || fail "$(cat "$WORK/err")"
"$FINSEG" import --csv "$WORK/sums" --out "$WORK/s4" --max-rejects 2 --rejects "$WORK/sums-rejects.csv" >/dev/null
for job in "$FINSEG_SOURCE_DIR"/jobs/*.json; do
  expect_exit 0 "$FINSEG" run --store "$WORK/s4" --results "$WORK/res4" "$job"
done
echo "invalid UTF-8 and overflowing sums rejected and named; rejects file never overwritten silently"
