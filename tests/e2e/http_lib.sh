# Helpers for the HTTP service tests (sourced after lib.sh's variables): start `finseg serve` on
# a free loopback port (--port 0; the service prints the port), talk to it with curl, and kill
# every service this test started when it ends, whatever happens.
source "$(dirname "$0")/lib.sh"
SERVICE_PIDS=()
cleanup() {
  local p
  for p in "${SERVICE_PIDS[@]}" ${EXTRA_PIDS:-}; do kill "$p" 2>/dev/null || true; done
  for p in "${SERVICE_PIDS[@]}" ${EXTRA_PIDS:-}; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
# The token file keeps hashes only: `finseg token new` prints each client's token once.
ALICE=$("$FINSEG" token new alice --tokens "$WORK/tokens" 2>/dev/null)
BOB=$("$FINSEG" token new bob --tokens "$WORK/tokens" 2>/dev/null)
# Extra curl arguments of every call (the TLS tests put --cacert here).
CURL_TLS=()

# start_service NAME ARGS...: starts the service, sets URL and SERVICE_PID; its log is $WORK/NAME.log
start_service() {
  local name=$1; shift
  "$FINSEG" serve --port 0 --bind 127.0.0.1 "$@" > "$WORK/$name.out" 2>> "$WORK/$name.log" &
  SERVICE_PID=$!
  SERVICE_PIDS+=("$SERVICE_PID")
  local i
  for i in $(seq 100); do
    grep -q '^listening on ' "$WORK/$name.out" 2>/dev/null && break
    kill -0 "$SERVICE_PID" 2>/dev/null || { cat "$WORK/$name.log"; fail "service $name did not start"; }
    sleep 0.1
  done
  URL=$(sed -n 's/^listening on //p' "$WORK/$name.out")
  case "$URL" in http://127.0.0.1:*|https://127.0.0.1:*) ;; *) cat "$WORK/$name.log"; fail "service $name: no loopback URL ('$URL')";; esac
}
stop_service() { kill "$1"; wait "$1" 2>/dev/null || true; }

# call METHOD PATH TOKEN [curl args...]: prints the HTTP status; the body is in $WORK/body.
call() {
  local method=$1 path=$2 tok=$3; shift 3
  local auth=()
  [ -n "$tok" ] && auth=(-H "Authorization: Bearer $tok")
  curl -sS --max-time 20 -o "$WORK/body" -w '%{http_code}' -X "$method" "${auth[@]}" "${CURL_TLS[@]}" "$@" "$URL$path"
}
# expect STATUS METHOD PATH TOKEN [curl args...]
expect() {
  local want=$1; shift
  local got
  got=$(call "$@")
  [ "$got" = "$want" ] || fail "$1 $2: expected $want, got $got: $(cat "$WORK/body")"
}
# body_has TEXT: the last body contains TEXT.
body_has() { grep -qF -- "$1" "$WORK/body" || fail "body does not contain '$1': $(cat "$WORK/body")"; }
# post SEGMENT TOKEN JSON [curl args]: POSTs a request, expects 201, prints the jobId.
post() {
  local seg=$1 tok=$2 json=$3; shift 3
  expect 201 POST "/segments/$seg" "$tok" --data-binary "$json" -H 'Content-Type: application/json' "$@"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["jobId"])' "$WORK/body"
}
# wait_status STATUS SEGMENT ID TOKEN [SECONDS]: polls GET until STATUS (other than 404 fails).
wait_status() {
  local want=$1 seg=$2 id=$3 tok=$4 limit=${5:-30} got i
  for i in $(seq $((limit * 10))); do
    got=$(call GET "/segments/$seg/$id" "$tok")
    [ "$got" = "$want" ] && return 0
    [ "$got" = 404 ] || fail "GET $seg/$id: expected $want (or 404 while not ready), got $got: $(cat "$WORK/body")"
    sleep 0.1
  done
  fail "GET $seg/$id: still not $want after ${limit}s"
}
# request_of JOBFILE: the "request" object of a job file, as written.
request_of() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["request"]))' "$1"; }
segment_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["segment"])' "$1"; }
