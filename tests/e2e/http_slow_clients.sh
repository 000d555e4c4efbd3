#!/usr/bin/env bash
# Slow clients cannot starve the service (issue 16): with 200 connections open that send a
# request line and then one byte every 2 s, a normal request still answers in < 1 s; one address
# gets at most --max-connections-per-client (128) connections, the others are answered 503 at
# once; and a request that does not arrive whole within --request-timeout is closed. The slow
# clients bind their own loopback addresses (127.0.0.2 ...): every 127/8 address is local.
# The same over TLS: connections that never finish their handshake and connections that send
# their request a byte every 2 s after it do not slow a curl request over TLS either, the
# per-client limit answers 503 after the handshake, and the deadline covers the handshake.
source "$(dirname "$0")/http_lib.sh"
"$FINSEG" generate --users 20 --months 14 --seed 9 --shards 1 --out "$WORK/store" > /dev/null
SLOW="python3 $(dirname "$0")/slow_client.py"

# slow NAME SOURCES PER_SOURCE HOLD INTERVAL: starts slow clients, returns when all are connected.
slow() {
  local name=$1; shift
  $SLOW "${URL##*:}" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" &
  SLOW_PID=$!
  local i
  for i in $(seq 300); do
    grep -q '^ready' "$WORK/$name.out" 2>/dev/null && return 0
    kill -0 "$SLOW_PID" 2>/dev/null || { cat "$WORK/$name.err"; fail "slow clients $name did not start"; }
    sleep 0.1
  done
  fail "slow clients $name: not connected after 30 s"
}
# summary NAME: waits for the slow clients to end, sets S to their JSON summary.
summary() { wait "$SLOW_PID" || fail "slow clients $1 failed: $(cat "$WORK/$1.err")"; S=$(tail -1 "$WORK/$1.out"); }
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
# timed STATUS PATH: a normal request from 127.0.0.1 answers STATUS in < 1 s.
timed() {
  local got
  got=$(curl -sS --max-time 10 -o "$WORK/body" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $ALICE" "${CURL_TLS[@]}" "$URL$2") ||
    fail "GET $2: no answer within 10 s while slow clients are connected"
  [ "${got% *}" = "$1" ] || fail "GET $2: expected $1, got $got: $(cat "$WORK/body")"
  awk -v t="${got#* }" 'BEGIN { exit !(t < 1.0) }' || fail "GET $2 took ${got#* } s (over 1 s) with slow clients connected"
  echo "  normal request: ${got#* } s"
}

# closed_at_deadline PART TRANSPORT: 20 slow clients against a --request-timeout 2 service are all
# closed at about 2 s.
closed_at_deadline() {
  local name="deadline-$1-$2"
  slow "$name" 127.0.0.13 20 8 0.5 "$1" "$2"
  summary "$name"; echo "  20 slow clients ($1, $2), --request-timeout 2: $S"
  [ "$(field "$S" closed)" = 20 ] || fail "slow $1 ($2) not closed at the request deadline: $S"
  awk -v lo="$(field "$S" closed_min_s)" -v hi="$(field "$S" closed_max_s)" 'BEGIN { exit !(lo >= 1.5 && hi <= 5.0) }' ||
    fail "slow $1 ($2) closed after between $(field "$S" closed_min_s) and $(field "$S" closed_max_s) s, expected about 2 s"
}

start_service s --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tokens"
# 200 slow connections from 10 addresses (20 each, under the per-client limit): all held open.
slow many 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9,127.0.0.10,127.0.0.11 20 5 2
for i in 1 2 3; do timed 400 /segments/highBalance/no-such-job; done
summary many; echo "  200 slow clients from 10 addresses: $S"
[ "$(field "$S" open)" = 200 ] || fail "the 200 slow connections were not all held open: $S"

# 200 from one address: 128 held, 72 answered 503 at once; others are still served.
slow one 127.0.0.12 200 4 2
timed 400 /segments/highBalance/no-such-job
summary one; echo "  200 slow clients from one address: $S"
[ "$(field "$S" open)" = 128 ] && [ "$(field "$S" refused503)" = 72 ] || fail "per-client limit: expected 128 open, 72 refused: $S"
grep -q "refused .* connection(s) over the limits (last from 127.0.0.12; 128 per client" "$WORK/s.log" || fail "no refusal in the log"
stop_service "$SERVICE_PID"

# A request that does not arrive whole within --request-timeout 2 is closed (by ~2 s, not 3 s+),
# whether its headers or its body come slowly.
start_service t --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tokens" --request-timeout 2
closed_at_deadline headers plain
closed_at_deadline body plain
timed 400 /segments/highBalance/no-such-job
stop_service "$SERVICE_PID"

# TLS: one server class for both, so the same bounds (a self-signed certificate for 127.0.0.1).
command -v openssl > /dev/null || { echo "skip: the openssl command is not installed (TLS part)"; exit 77; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/tls.key" -out "$WORK/tls.pem" -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2> /dev/null
TLS=(--tls-cert "$WORK/tls.pem" --tls-key "$WORK/tls.key")
start_service u --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tokens" "${TLS[@]}"
CURL_TLS=(--cacert "$WORK/tls.pem")
# 100 connections stuck in their handshake and 100 with a handshake and a slow request, from 10
# addresses; a normal TLS request (its own handshake included) still answers in < 1 s.
slow tls-handshakes 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6 20 8 2 headers tls-handshake
handshakes_pid=$SLOW_PID
slow tls-requests 127.0.0.7,127.0.0.8,127.0.0.9,127.0.0.10,127.0.0.11 20 6 2 headers tls
for i in 1 2 3; do timed 400 /segments/highBalance/no-such-job; done
summary tls-requests; echo "  100 slow TLS requests: $S"
[ "$(field "$S" open)" = 100 ] || fail "the 100 slow TLS requests were not all held open: $S"
SLOW_PID=$handshakes_pid; summary tls-handshakes; echo "  100 slow TLS handshakes: $S"
[ "$(field "$S" open)" = 100 ] || fail "the 100 slow TLS handshakes were not all held open: $S"
# 200 TLS connections from one address: 128 held, 72 answered 503 after their handshake.
slow tls-one 127.0.0.12 200 4 2 headers tls
timed 400 /segments/highBalance/no-such-job
summary tls-one; echo "  200 slow TLS clients from one address: $S"
[ "$(field "$S" open)" = 128 ] && [ "$(field "$S" refused503)" = 72 ] || fail "TLS per-client limit: expected 128 open, 72 refused: $S"
# SIGTERM with slow TLS connections open: the service exits at once, not after their deadlines.
slow tls-stop 127.0.0.14 50 30 2 headers tls-handshake
t0=$(date +%s.%N); stop_service "$SERVICE_PID"; t1=$(date +%s.%N)
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
awk -v t="$took" 'BEGIN { exit !(t < 3.0) }' || fail "SIGTERM with 50 slow TLS handshakes open took $took s"
echo "  SIGTERM with 50 slow TLS handshakes open: stopped in $took s"
kill "$SLOW_PID" 2> /dev/null || true; wait "$SLOW_PID" 2> /dev/null || true  # it may have ended: every connection closed

# The deadline covers the handshake and the request over TLS: closed by ~2 s.
start_service v --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tokens" --request-timeout 2 "${TLS[@]}"
closed_at_deadline headers tls-handshake
closed_at_deadline headers tls
timed 400 /segments/highBalance/no-such-job
stop_service "$SERVICE_PID"
echo "http slow clients: normal requests answered in < 1 s, per-client limit, request deadline ok, over plain HTTP and TLS"
