#!/usr/bin/env bash
# scripts/quarterly --csv without Slurm (issue 12): the jobs are queued before the import, so
# `finseg get` answers "not ready" (10) while the import runs, not "not found" (11); an import
# that fails (a bad row) marks every job failed with its error (`finseg get`: 12, the row named),
# quarterly exits with the import's code (3) and no store is left; rerun with the same jobIds
# over the fixed CSV, the jobs complete with the documents of the run over the generated store.
source "$(dirname "$0")/lib.sh"
"$FINSEG" generate --users 60 --months 14 --seed 12 --shards 3 --snapshot 2026-09-30 --out "$WORK/bank" >/dev/null
"$FINSEG" export --store "$WORK/bank" --csv "$WORK/csv" >/dev/null
quarterly="$FINSEG_SOURCE_DIR/scripts/quarterly"
names=()
for j in "$FINSEG_SOURCE_DIR"/jobs/quarterly/*.json; do names+=("$(basename "$j" .json)"); done
export FINSEG_BIN="$FINSEG"

# The launcher (MPIEXEC, as quarterly documents it) notes what `finseg get` says of every jobId
# when the import starts: the jobIds are on stdout already, in <jobs-out>/job-ids.
cat >"$WORK/mpiexec" <<'SH'
#!/usr/bin/env bash
if [ "$4" = import ]; then
  while read -r id; do
    "$FINSEG" get --results "$PROBE_RESULTS" "$id" >/dev/null 2>&1; echo "$id $?"
  done <"$PROBE_RESULTS/.quarterly/2026-09-30/job-ids" >>"$PROBE_RESULTS.probe"
fi
exec "$REAL_MPIEXEC" --oversubscribe "$@"
SH
chmod +x "$WORK/mpiexec"
run_quarterly() {  # run_quarterly CSV: exit code in $rc, jobIds in $WORK/ids, log in $WORK/log
  set +e
  PROBE_RESULTS="$WORK/res" REAL_MPIEXEC="$MPIEXEC" MPIEXEC="$WORK/mpiexec" "$quarterly" --csv "$1" \
    --import-arg --labels=none --import-arg --shards=4 --store "$WORK/store" --results "$WORK/res" \
    --quarter-end 2026-09-30 --ranks 2 --id-prefix q >"$WORK/ids" 2>"$WORK/log"
  rc=$?
  set -e
}

# 1. A bad row: every job ends failed with the import's error; nothing imported.
mkdir "$WORK/bad"
cp "$WORK/csv/accounts.csv" "$WORK/bad/"
sed '3s/,[^,]*$/,NOT_A_LABEL/' "$WORK/csv/transactions.csv" >"$WORK/bad/transactions.csv"
run_quarterly "$WORK/bad"
[ "$rc" = 3 ] || { cat "$WORK/log"; fail "quarterly with a bad row exited $rc, not the import's 3"; }
[ "$(wc -l <"$WORK/ids")" = "${#names[@]}" ] || { cat "$WORK/ids"; fail "stdout is not one jobId per job"; }
[ ! -e "$WORK/store" ] || fail "a store was left by the failed import"
[ "$(grep -c ' 10$' "$WORK/res.probe")" = "${#names[@]}" ] ||
  { cat "$WORK/res.probe"; fail "finseg get did not answer 10 (not ready) for every job while the import ran"; }
for n in "${names[@]}"; do
  expect_exit 12 "$FINSEG" get --results "$WORK/res" "q-$n"
  grep -q "failed: the import of $WORK/bad into $WORK/store failed (exit 3): CSV import" "$WORK/err" &&
    grep -q "^transactions.csv:3: column 'labels' value 'NOT_A_LABEL'" "$WORK/err" ||
    { cat "$WORK/err"; fail "q-$n: finseg get does not give the import's error"; }
done

# 2. The fixed CSV, the same jobIds: done, with the documents of the run over the generated store.
rm -f "$WORK/res.probe"
run_quarterly "$WORK/csv"
[ "$rc" = 0 ] || { cat "$WORK/log"; fail "quarterly over the fixed CSV exited $rc"; }
[ "$(grep -c ' 10$' "$WORK/res.probe")" = "${#names[@]}" ] || { cat "$WORK/res.probe"; fail "the rerun's jobs were not queued during its import"; }
[ "$(cat "$WORK/ids")" = "$(printf 'q-%s\n' "${names[@]}")" ] || { cat "$WORK/ids"; fail "stdout is not the jobIds once each"; }
"$quarterly" --store "$WORK/bank" --results "$WORK/res" --quarter-end 2026-09-30 --id-prefix ref >/dev/null 2>"$WORK/ref.log" ||
  { cat "$WORK/ref.log"; fail "the reference run failed"; }
for n in "${names[@]}"; do
  cmp "$WORK/res/ref-$n/result.json" "$WORK/res/q-$n/result.json" || fail "$n: the document from CSV differs from the run over the store"
done
grep -q '"userId"' "$WORK/res/ref-${names[0]}/result.json" || fail "the reference selects nobody: the test would prove nothing"
echo "quarterly --csv: queued (10) during the import; a bad row fails every job (12, row named, exit 3, no store); rerun completes, documents identical"
