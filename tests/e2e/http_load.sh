#!/usr/bin/env bash
# Load on loopback, bounded in count and time: 400 GETs of a finished job, 100 GETs of unknown
# jobs, 60 GETs without a token and 30 POSTs, all at once through `xargs -P 64` with curl.
# Every answer must be the right status (and the 200s the exact document), every POSTed job must
# complete with the same document as `finseg run`'s, and the service must still be up.
source "$(dirname "$0")/http_lib.sh"
"$FINSEG" generate --users 60 --months 14 --seed 3 --shards 2 --out "$WORK/store" > /dev/null
job="$FINSEG_SOURCE_DIR/jobs/uc02-high-liquidity-checking.json"
"$FINSEG" run --store "$WORK/store" --results "$WORK/ref" --job-id ref "$job" > /dev/null 2>&1
REQ=$(request_of "$job")
start_service load --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tokens" --max-running 2 \
  --launch-command '{finseg} run --store {store} --results {results} --job-id {jobId} {jobFile}'
id=$(post highBalance "$ALICE" "$REQ")
wait_status 200 highBalance "$id" "$ALICE"
cmp -s "$WORK/body" "$WORK/ref/ref/result.json" || fail "document differs from finseg run's"
want_sum=$(md5sum < "$WORK/ref/ref/result.json" | cut -d' ' -f1)

# One line per request: KIND EXPECTED-STATUS; a worker prints "KIND EXPECTED GOT BODY-MD5".
export URL ALICE REQ id
{
  for i in $(seq 400); do echo "get 200"; done
  for i in $(seq 100); do echo "unknown 400"; done
  for i in $(seq 60); do echo "noauth 401"; done
  for i in $(seq 30); do echo "post 201"; done
} | shuf --random-source=<(yes) > "$WORK/plan"
cat > "$WORK/worker" <<'SH'
#!/bin/bash
kind=$1 want=$2 out=$(mktemp)
case $kind in
  get) code=$(curl -s --max-time 30 -o "$out" -w '%{http_code}' -H "Authorization: Bearer $ALICE" "$URL/segments/highBalance/$id") ;;
  unknown) code=$(curl -s --max-time 30 -o "$out" -w '%{http_code}' -H "Authorization: Bearer $ALICE" "$URL/segments/highBalance/$(cat /proc/sys/kernel/random/uuid)") ;;
  noauth) code=$(curl -s --max-time 30 -o "$out" -w '%{http_code}' "$URL/segments/highBalance/$id") ;;
  post) code=$(curl -s --max-time 30 -o "$out" -w '%{http_code}' -H "Authorization: Bearer $ALICE" --data-binary "$REQ" "$URL/segments/highBalance") ;;
esac
if [ "$kind" = post ]; then sum=$(sed -n 's/^{"jobId":"\([0-9a-f-]*\)"}$/\1/p' "$out"); sum=${sum:-none}
else sum=$(md5sum < "$out" | cut -d' ' -f1); fi
echo "$kind $want $code $sum"
rm -f "$out"
SH
chmod +x "$WORK/worker"
t0=$(date +%s%N)
timeout 120 xargs -P 64 -L 1 "$WORK/worker" < "$WORK/plan" > "$WORK/answers"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
total=$(wc -l < "$WORK/plan")
[ "$(wc -l < "$WORK/answers")" = "$total" ] || fail "only $(wc -l < "$WORK/answers") of $total requests answered"
wrong=$(awk -v sum="$want_sum" '$2 != $3 || ($1 == "get" && $4 != sum) || ($1 == "post" && $4 == "none")' "$WORK/answers" | wc -l)
echo "load: $total requests (400 GET 200, 100 GET 400, 60 GET 401, 30 POST 201), concurrency 64, ${ms} ms, $wrong wrong answers"
[ "$wrong" = 0 ] || { awk '$2 != $3' "$WORK/answers" | sort | uniq -c | head; fail "$wrong wrong answers under load"; }
kill -0 "$SERVICE_PID" || fail "the service died under load"

# Every job POSTed under load completes with the reference document.
t0=$(date +%s%N)
for posted in $(awk '$1 == "post" {print $4}' "$WORK/answers"); do
  wait_status 200 highBalance "$posted" "$ALICE" 60
  cmp -s "$WORK/body" "$WORK/ref/ref/result.json" || fail "job $posted (posted under load): document differs"
done
echo "load: 30 jobs posted under load all done $(( ($(date +%s%N) - t0) / 1000000 )) ms later (max 2 running)"
expect 200 GET "/segments/highBalance/$id" "$ALICE"
stop_service "$SERVICE_PID"
