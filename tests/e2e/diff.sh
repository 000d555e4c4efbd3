#!/usr/bin/env bash
# finseg diff on a generated bank run twice (creationDates a quarter apart): entered + stayed =
# new users, left + stayed = old users, every entry is the documents' own, "changed" is exactly
# what the rules select (tests/e2e/check_changes.py reads docs/changes.md independently), the
# document is byte-identical at 1-4 ranks, and pairs that cannot be compared are refused (13).
source "$(dirname "$0")/lib.sh"
CHECK="/usr/bin/python3 $(dirname "$0")/check_changes.py"
R="$WORK/results"
mpi 2 "$FINSEG" generate --users 400 --months 25 --seed 17 --shards 5 --snapshot 2026-10-15 --out "$WORK/bank" >/dev/null
names=()
for quarter in 2026-06-30 2026-09-30; do
  ids=() files=()
  for j in "$FINSEG_SOURCE_DIR"/jobs/*.json; do
    name=$(basename "$j" .json)
    /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j["creationDate"]=sys.argv[2]; json.dump(j, open(sys.argv[3], "w"))' \
      "$j" "$quarter" "$WORK/$name-$quarter.json"
    ids+=(--job-id "$name-$quarter") files+=("$WORK/$name-$quarter.json")
    [ "$quarter" = 2026-06-30 ] && names+=("$name")
  done
  mpi 2 "$FINSEG" run --store "$WORK/bank" --results "$R" "${ids[@]}" "${files[@]}" >/dev/null 2>"$WORK/run.log" \
    || { cat "$WORK/run.log"; fail "run $quarter failed"; }
done

# diff NAME NP [rules...]: diffs NAME's two quarters into job d<NP>-NAME-<tag> and checks it.
diff_and_check() {
  local name=$1 np=$2 tag=$3; shift 3
  local id="d$np-$name-$tag"
  mpi "$np" "$FINSEG" diff --results "$R" --job-id "$id" "$@" "$name-2026-06-30" "$name-2026-09-30" >"$WORK/id" 2>"$WORK/diff.log" \
    || { cat "$WORK/diff.log"; fail "diff $id failed"; }
  [ "$(cat "$WORK/id")" = "$id" ] || fail "diff printed '$(cat "$WORK/id")', not its jobId $id"
  $CHECK "$R/$name-2026-06-30/result.json" "$R/$name-2026-09-30/result.json" "$R/$id/result.json" >/dev/null \
    || fail "$id: the changes do not match the two documents"
}
for name in "${names[@]}"; do
  diff_and_check "$name" 1 all
  grep -q '"status":"changed"' "$R/d1-$name-all/result.json" || fail "$name: nobody changed: the test would prove nothing"
  for np in 2 3 4; do
    diff_and_check "$name" "$np" all
    cmp "$R/d1-$name-all/result.json" "$R/d$np-$name-all/result.json" || fail "$name: np$np differs from np1"
  done
  "$FINSEG" get --results "$R" "d1-$name-all" | cmp - "$R/d1-$name-all/result.json" || fail "finseg get of the changes of $name"
done
grep -q '"status":"entered"' "$R"/d1-uc01-*-all/result.json || fail "uc01: nobody entered: the test would prove nothing"
grep -q '"status":"left"' "$R"/d1-uc02-high-liquidity-checking-all/result.json || fail "uc02: nobody left"

# Thresholds: a jump of INSURANCE spending, a repriced contract, a balance that moved 500.
rule='{"labelGroup":"INSURANCE","measure":"total","minChangePercent":20}'
for np in 1 3; do diff_and_check uc03-spending-breakdown "$np" ins --threshold "$rule"; done
cmp "$R/d1-uc03-spending-breakdown-ins/result.json" "$R/d3-uc03-spending-breakdown-ins/result.json" || fail "thresholds: np3 differs"
[ "$(grep -c '"status":"changed"' "$R/d1-uc03-spending-breakdown-ins/result.json")" -lt \
  "$(grep -c '"status":"changed"' "$R/d1-uc03-spending-breakdown-all/result.json")" ] || fail "the INSURANCE rule selects no fewer users"
grep -q '"status":"changed"' "$R/d1-uc03-spending-breakdown-ins/result.json" || fail "the INSURANCE rule selects nobody"
echo '[{"changes":["repriced"],"minChange":1}]' >"$WORK/rules.json"
diff_and_check uc04-insurance-cross-selling 2 rep --thresholds "$WORK/rules.json"
diff_and_check uc01-recurring-overdraft 2 moved --threshold '{"minChange":500,"changes":["moved"]}'
diff_and_check income-spending-summary 1 count --threshold '{"measure":"outgoingTransactions","minChange":3}'

# The checker itself fails on a wrong document (a test that cannot fail proves nothing).
grep -v -m1 '"status":"changed"' "$R/d1-uc03-spending-breakdown-all/result.json" >"$WORK/bad.json"
grep '"status":"changed"' "$R/d1-uc03-spending-breakdown-all/result.json" | tail -n +2 | sed '$ s/,$//' >>"$WORK/bad.json"
echo '],"counts":'"$(tail -1 "$R/d1-uc03-spending-breakdown-all/result.json" | sed 's/^],"counts"://')" >>"$WORK/bad.json"
if $CHECK "$R/uc03-spending-breakdown-2026-06-30/result.json" "$R/uc03-spending-breakdown-2026-09-30/result.json" "$WORK/bad.json" >/dev/null 2>&1; then
  fail "the checker accepts a changes document that lacks a changed user"
fi

# Pairs that cannot be compared: exit 13 (11 unknown), nothing created.
before=$(ls -A "$R" | sort)
expect_exit 13 "$FINSEG" diff --results "$R" uc01-recurring-overdraft-2026-06-30 uc03-spending-breakdown-2026-09-30
grep -q "only results of the same segment" "$WORK/err" || fail "different segments: unclear error: $(cat "$WORK/err")"
expect_exit 13 "$FINSEG" diff --results "$R" uc02-high-liquidity-checking-2026-06-30 uc02-high-liquidity-savings-2026-09-30
grep -q "different requests" "$WORK/err" || fail "different requests: unclear error: $(cat "$WORK/err")"
expect_exit 13 "$FINSEG" diff --results "$R" uc01-recurring-overdraft-2026-09-30 uc01-recurring-overdraft-2026-06-30
grep -q "give the older job first" "$WORK/err" || fail "swapped jobs: unclear error"
expect_exit 13 "$FINSEG" diff --results "$R" uc01-recurring-overdraft-2026-06-30 uc01-recurring-overdraft-2026-06-30
expect_exit 13 "$FINSEG" diff --results "$R" d1-uc01-recurring-overdraft-all uc01-recurring-overdraft-2026-09-30
expect_exit 11 "$FINSEG" diff --results "$R" no-such-job uc01-recurring-overdraft-2026-09-30
expect_exit 2 "$FINSEG" diff --results "$R" --threshold '{"labelGroup":"GAMBLING"}' uc03-spending-breakdown-2026-06-30 uc03-spending-breakdown-2026-09-30
grep -q "threshold\[0\].labelGroup: 'GAMBLING' is not one of the jobs' labelGroups" "$WORK/err" || fail "bad rule: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" diff --results "$R" --threshold '{"minChange":-1}' uc01-recurring-overdraft-2026-06-30 uc01-recurring-overdraft-2026-09-30
mpi 2 "$FINSEG" diff --results "$R" uc01-recurring-overdraft-2026-06-30 uc03-spending-breakdown-2026-09-30 >/dev/null 2>&1 && fail "np2 accepted a bad pair"
[ "$(ls -A "$R" | sort)" = "$before" ] || fail "a refused diff left files: $(diff <(echo "$before") <(ls -A "$R" | sort))"
# A document cut short (a disk that filled up, a copy that failed) fails the diff: exit 6, the
# changes' marker says failed (get: 12), no staged folder is left, at any rank count.
cp -r "$R/uc03-spending-breakdown-2026-09-30" "$R/cut-short"
sed -i 's/"jobId": "uc03-spending-breakdown-2026-09-30"/"jobId": "cut-short"/' "$R/cut-short/manifest.json"
head -c -5000 "$R/uc03-spending-breakdown-2026-09-30/result.json" >"$R/cut-short/result.json"
for np in 1 3; do
  set +e; mpi "$np" "$FINSEG" diff --results "$R" --job-id "cut-$np" uc03-spending-breakdown-2026-06-30 cut-short >/dev/null 2>"$WORK/err"; got=$?; set -e
  [ "$got" = 6 ] || fail "np$np: a truncated document: exit $got, not 6: $(cat "$WORK/err")"
  grep -Eq "cut-short/result.json: .*(cut short|truncated)" "$WORK/err" || fail "np$np: the error does not name the truncated document: $(cat "$WORK/err")"
  expect_exit 12 "$FINSEG" get --results "$R" "cut-$np"
  ls -A "$R" | grep -q '^\.tmp-' && fail "np$np: a failed diff left a staged folder"
done

# A job file's previousJobId: the run also writes the changes, the same bytes as finseg diff's.
prev_job() {  # prev_job FILE JOBNAME PREVIOUS
  /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j["creationDate"]="2026-09-30"; j["previousJobId"]=sys.argv[2]; json.dump(j, open(sys.argv[3], "w"))' \
    "$FINSEG_SOURCE_DIR/jobs/$2.json" "$3" "$1"
}
prev_job "$WORK/prev.json" uc04-insurance-cross-selling uc04-insurance-cross-selling-2026-06-30
mpi 2 "$FINSEG" run --store "$WORK/bank" --results "$R" --job-id withprev "$WORK/prev.json" >"$WORK/out" 2>"$WORK/run.log" \
  || { cat "$WORK/run.log"; fail "run with previousJobId"; }
[ "$(cat "$WORK/out")" = withprev ] || fail "run with previousJobId printed more than its jobId: $(cat "$WORK/out")"
grep -q '"changesJobId": "withprev-changes"' "$R/withprev/manifest.json" || fail "the job's manifest does not name its changes"
"$FINSEG" diff --results "$R" --job-id cli-prev uc04-insurance-cross-selling-2026-06-30 withprev >/dev/null 2>&1 || fail "diff withprev"
cmp "$R/withprev-changes/result.json" "$R/cli-prev/result.json" || fail "the run's changes differ from finseg diff's"
before=$(ls -A "$R" | sort)
prev_job "$WORK/prev-bad.json" uc04-insurance-cross-selling uc03-spending-breakdown-2026-06-30
expect_exit 13 "$FINSEG" run --store "$WORK/bank" --results "$R" "$WORK/prev-bad.json"
grep -q "prev-bad.json: previousJobId: .*only results of the same segment" "$WORK/err" || fail "previousJobId of another segment: $(cat "$WORK/err")"
prev_job "$WORK/prev-bad.json" uc04-insurance-cross-selling "no/such"
expect_exit 5 "$FINSEG" run --store "$WORK/bank" --results "$R" "$WORK/prev-bad.json"
prev_job "$WORK/prev-bad.json" uc04-insurance-cross-selling nosuchjob
expect_exit 11 "$FINSEG" run --store "$WORK/bank" --results "$R" "$WORK/prev-bad.json"
[ "$(ls -A "$R" | sort)" = "$before" ] || fail "a refused previousJobId left files"
echo "changes checked for ${#names[@]} jobs at 1-4 ranks, with thresholds; bad pairs refused"
