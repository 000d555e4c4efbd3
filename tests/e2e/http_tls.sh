#!/usr/bin/env bash
# The service's security review (issue 19), with curl as a real TLS client and a test PKI made
# here by the openssl CLI: hashed-token auth over TLS; a wrong CA, no CA, an expired certificate,
# TLS 1.1, a TLS 1.2 cipher without forward secrecy and plain HTTP to the TLS port all refused;
# SIGHUP loads a renewed certificate and the token file (and keeps the old ones when the new files
# are broken) and reopens the audit log; the audit lines of a refused and an accepted request,
# never a token or a request body, control characters escaped; https callbacks verify the
# receiver; a non-loopback --bind without TLS, mismatched key files and a clear-text token file
# refused at start (and `finseg token hash` converts that file).
source "$(dirname "$0")/http_lib.sh"
command -v openssl > /dev/null || { echo "skip: the openssl command is not installed"; exit 77; }
"$FINSEG" generate --users 40 --months 13 --seed 19 --shards 2 --out "$WORK/store" > /dev/null
RUN='{finseg} run --store {store} --results {results} --job-id {jobId} {jobFile}'

# Test PKI: CA ca1 (the bank's), ca2 (after a CA change), wrong (someone else's); leaf certificates
# for 127.0.0.1: server and receiver from ca1, expired from ca1, renewed from ca2.
PKI="$WORK/pki"; mkdir "$PKI"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$PKI/ext"
new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI/$1.key" 2> /dev/null; }
ca() { new_key "$1"; openssl req -x509 -key "$PKI/$1.key" -out "$PKI/$1.pem" -days 2 -subj "/CN=finseg test $1" 2> /dev/null; }
leaf() {  # leaf NAME CA DAYS (negative: expired)
  new_key "$1"
  openssl req -new -key "$PKI/$1.key" -out "$PKI/$1.csr" -subj "/CN=$1" 2> /dev/null
  openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$2.pem" -CAkey "$PKI/$2.key" -CAcreateserial -CAserial "$PKI/$2.srl" \
    -days "$3" -extfile "$PKI/ext" -out "$PKI/$1.pem" 2> /dev/null
}
ca ca1; ca ca2; ca wrong
leaf server ca1 2; leaf receiver ca1 2; leaf expired ca1 -1; leaf renewed ca2 2
[ -s "$PKI/expired.pem" ] || fail "openssl could not make the test certificates"

# An https callback receiver (Python's stdlib ssl) with a ca1 certificate; appends each POST body.
cat > "$WORK/receiver.py" <<'PY'
import http.server, ssl, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[1], "ab") as f:
            f.write(body + b"\n")
        self.send_response(204); self.end_headers()
    def log_message(self, *args): pass
server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
tls.load_cert_chain(sys.argv[2], sys.argv[3])
server.socket = tls.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
python3 "$WORK/receiver.py" "$WORK/hooks" "$PKI/receiver.pem" "$PKI/receiver.key" > "$WORK/receiver.port" 2> "$WORK/receiver.log" &
EXTRA_PIDS=$!
for i in $(seq 300); do [ -s "$WORK/receiver.port" ] && break; sleep 0.1; done
HOOK_PORT=$(cat "$WORK/receiver.port")
[ -n "$HOOK_PORT" ] || fail "the https receiver did not start: $(cat "$WORK/receiver.log")"

# The service with TLS; its certificate files are copies, replaced below for the reload.
cp "$PKI/server.pem" "$WORK/live.pem"; cp "$PKI/server.key" "$WORK/live.key"; chmod 600 "$WORK/live.key"
AUDIT="$WORK/audit.jsonl"
cp "$WORK/tokens" "$WORK/tls-tokens"
start_service tls --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tls-tokens" --launch-command "$RUN" \
  --tls-cert "$WORK/live.pem" --tls-key "$WORK/live.key" --audit-log "$AUDIT" \
  --callback-allow "127.0.0.1:$HOOK_PORT" --callback-ca "$PKI/ca1.pem"
case "$URL" in https://*) ;; *) fail "TLS service listens on '$URL'";; esac
PORT=${URL##*:}
CURL_TLS=(--cacert "$PKI/ca1.pem")

# Hashed-token auth over TLS: alice's token is accepted, a changed one is not.
REQ='{"accountType": "savings", "threshold": 1000, "callbackURL": "https://127.0.0.1:'$HOOK_PORT'/done"}'
id=$(post highBalance "$ALICE" "$REQ")
wait_status 200 highBalance "$id" "$ALICE"
got_bytes=$(stat -c %s "$WORK/body")
expect 401 GET "/segments/highBalance/$id" "${ALICE}x"
expect 400 GET "/segments/highBalance/$id" "$BOB"
# The https callback reached the receiver, whose certificate the service checked against ca1.
for i in $(seq 300); do grep -q "$id" "$WORK/hooks" 2> /dev/null && break; sleep 0.1; done
grep -qF "{\"jobId\":\"$id\",\"segment\":\"highBalance\",\"status\":\"done\"}" "$WORK/hooks" || fail "https callback not received"

# What a TLS client must refuse, and what the server must refuse (curl's exit codes: 60 = peer
# certificate not trusted, 35 = handshake failed).
tls_refused() {  # tls_refused WANT-CURL-EXIT MESSAGE-PART URL [curl args]
  local want=$1 part=$2 url=$3; shift 3
  set +e; curl -sS --max-time 20 -o /dev/null "$@" "$url/segments/highBalance" 2> "$WORK/curl.err"; local got=$?; set -e
  [ "$got" = "$want" ] || fail "curl $* $url: exit $got, expected $want: $(cat "$WORK/curl.err")"
  grep -qi -- "$part" "$WORK/curl.err" || fail "curl $*: expected '$part' in: $(cat "$WORK/curl.err")"
}
tls_refused 60 "unable to get local issuer" "$URL" --cacert "$PKI/wrong.pem"
tls_refused 60 "unable to get local issuer" "$URL"                        # the system store does not know ca1
tls_refused 35 "protocol version" "$URL" --cacert "$PKI/ca1.pem" --tls-max 1.1
tls_refused 35 "handshake failure" "$URL" --cacert "$PKI/ca1.pem" --tls-max 1.2 --ciphers AES256-SHA256  # no forward secrecy
expect 401 GET "/segments/highBalance/$id" "" --tlsv1.2 --tls-max 1.2
# Plain HTTP to the TLS port: no HTTP answer at all (the handshake fails), so no token or body
# is ever read in clear text; the service serves on.
set +e; curl -sS --max-time 20 -o /dev/null -H "Authorization: Bearer $ALICE" "http://127.0.0.1:$PORT/segments/highBalance/$id" 2> "$WORK/curl.err"
plain=$?; set -e
[ "$plain" = 52 ] || [ "$plain" = 56 ] || fail "plain HTTP to the TLS port: curl exit $plain: $(cat "$WORK/curl.err")"
expect 200 GET "/segments/highBalance/$id" "$ALICE"

# A request whose path carries a forged audit line after a newline (whatever its answer).
call GET "/segments/highBalance/a%0A%7B%22client%22:%22alice%22%7D%01" "not-a-token-0123456789" > /dev/null

# The audit trail: one JSON object per line (every line parses), the fields of the accepted POST
# and GET, the refused GET, the forged line escaped inside its route, nothing of the plain-HTTP
# attempt, no token and no request body.
/usr/bin/python3 - "$AUDIT" "$id" "$got_bytes" <<'PY' || fail "audit log: $(cat "$AUDIT")"
import json, sys
path, job, got_bytes = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = [json.loads(l) for l in open(path, encoding="utf-8")]
keys = ["time", "client", "remote", "method", "route", "jobId", "status", "bytes"]
for l in lines:
    assert list(l) == keys, l
    assert l["remote"].startswith("127.0.0.1:") and l["time"].endswith("Z"), l
post = [l for l in lines if l["method"] == "POST"]
assert post == [dict(post[0], client="alice", route="/segments/highBalance", jobId=job, status=201, bytes=len('{"jobId":""}') + len(job))], post
ok = [l for l in lines if l["status"] == 200]
assert ok and all(l["client"] == "alice" and l["jobId"] == job and l["bytes"] == got_bytes for l in ok), ok
refused = [l for l in lines if l["status"] == 401 and l["jobId"] == job]
assert len(refused) == 2 and all(l == dict(l, client=None, method="GET", route="/segments/highBalance/" + job) for l in refused), refused
forged = [l for l in lines if l["route"] == '/segments/highBalance/a\n{"client":"alice"}\x01']
assert len(forged) == 1 and forged[0]["client"] is None and forged[0]["jobId"] is None, forged
assert [l["client"] for l in lines if l["status"] == 400] == ["bob"], lines
polls = [l for l in lines if l["status"] == 404 and l["client"] == "alice" and l["jobId"] == job]
assert len(lines) == len(post) + len(ok) + len(polls) + len(refused) + 1 + len(forged), lines
PY
grep -qF '\n{\"client\":\"alice\"}\u0001' "$AUDIT" || fail "audit log: control characters not escaped"
grep -qF -- "$ALICE" "$AUDIT" && fail "audit log holds a token"
grep -q 'threshold\|callbackURL' "$AUDIT" && fail "audit log holds request data"
[ "$(stat -c %a "$AUDIT")" = 600 ] || fail "audit log mode $(stat -c %a "$AUDIT"), expected 600"

# SIGHUP: a renewed certificate (from ca2) is served from the next handshake on; the audit file,
# moved away as logrotate does, is opened again; the token file is read again (a new client's
# token works, a revoked one no longer does).
cp "$PKI/renewed.pem" "$WORK/live.pem"; cp "$PKI/renewed.key" "$WORK/live.key"
tls_refused 60 "unable to get local issuer" "$URL" --cacert "$PKI/ca2.pem"    # not before the signal
CAROL=$("$FINSEG" token new carol --tokens "$WORK/tls-tokens" 2> /dev/null)
sed -i '/^bob /d' "$WORK/tls-tokens"
expect 401 GET "/segments/highBalance/$id" "$CAROL"
mv "$AUDIT" "$AUDIT.1"
kill -HUP "$SERVICE_PID"
for i in $(seq 300); do grep -q "TLS certificate reloaded" "$WORK/tls.log" && break; sleep 0.1; done
grep -q "TLS certificate reloaded: subject CN=renewed" "$WORK/tls.log" || fail "no reload logged: $(tail -3 "$WORK/tls.log")"
CURL_TLS=(--cacert "$PKI/ca2.pem")
expect 200 GET "/segments/highBalance/$id" "$ALICE"
expect 400 GET "/segments/highBalance/$id" "$CAROL"
expect 401 GET "/segments/highBalance/$id" "$BOB"
grep -q "tokens reloaded: 2 tokens" "$WORK/tls.log" || fail "token reload not logged"
tls_refused 60 "unable to get local issuer" "$URL" --cacert "$PKI/ca1.pem"
grep -q '"status":200' "$AUDIT" || fail "the audit log was not reopened after SIGHUP"
# Reloads under load: 200 GETs over TLS, 32 at a time, while SIGHUPs swap the credentials; every
# handshake gets a whole certificate and every request its answer.
export URL ALICE id CA2="$PKI/ca2.pem"
seq 200 | timeout 120 xargs -P 32 -I{} sh -c \
  'curl -s --max-time 30 --cacert "$CA2" -o /dev/null -w "%{http_code}\n" -H "Authorization: Bearer $ALICE" "$URL/segments/highBalance/$id"' \
  > "$WORK/burst" &
burst=$!
for i in 1 2 3 4 5; do sleep 0.2; kill -HUP "$SERVICE_PID"; done
wait "$burst" || fail "the burst did not finish"
[ "$(grep -c '^200$' "$WORK/burst")" = 200 ] || fail "reloads under load: $(sort "$WORK/burst" | uniq -c)"
# A broken renewal (a key that is not the certificate's) keeps the current certificate; a broken
# token file keeps the current tokens.
cp "$PKI/server.key" "$WORK/live.key"
echo "dave not-a-hash-at-all" >> "$WORK/tls-tokens"
kill -HUP "$SERVICE_PID"
for i in $(seq 300); do grep -q "TLS reload failed" "$WORK/tls.log" && break; sleep 0.1; done
grep -q "TLS reload failed, the previous certificate stays: --tls-key .* is not the key of the certificate" "$WORK/tls.log" \
  || fail "a broken reload not logged: $(tail -3 "$WORK/tls.log")"
grep -q "token reload failed, the previous tokens stay: .*tls-tokens:3: " "$WORK/tls.log" || fail "a broken token file not logged"
expect 200 GET "/segments/highBalance/$id" "$ALICE"
expect 400 GET "/segments/highBalance/$id" "$CAROL"
kill -0 "$SERVICE_PID" || fail "the service died on a broken reload"
stop_service "$SERVICE_PID"

# An expired certificate: the service says so at start, and curl refuses it. This service has no
# --callback-ca: the receiver's certificate (ca1) is not in the system store, so its https
# callback fails verification and is not delivered.
chmod 644 "$PKI/expired.key"
start_service expired --store "$WORK/store" --results "$WORK/results2" --tokens "$WORK/tokens" --launch-command "$RUN" \
  --tls-cert "$PKI/expired.pem" --tls-key "$PKI/expired.key" --callback-allow "127.0.0.1:$HOOK_PORT"
grep -q "TLS certificate: subject CN=expired.*EXPIRED" "$WORK/expired.log" || fail "expired certificate not logged"
grep -q "warning: TLS key $PKI/expired.key is readable by group or others" "$WORK/expired.log" || fail "a mode 644 key not warned about"
grep -q "warning: TLS key" "$WORK/tls.log" && fail "a mode 600 key was warned about"
tls_refused 60 "certificate has expired" "$URL" --cacert "$PKI/ca1.pem"
CURL_TLS=(--cacert "$PKI/ca1.pem" --insecure)  # only to submit a job whose callback is refused
id2=$(post highBalance "$BOB" "$REQ")
for i in $(seq 200); do grep -q "callback for job $id2 given up" "$WORK/expired.log" && break; sleep 0.1; done
grep -q "callback for job $id2 to 127.0.0.1:$HOOK_PORT: SSLServerVerification (unable to get local issuer certificate)" \
  "$WORK/expired.log" || fail "unverified https callback not refused: $(grep "$id2" "$WORK/expired.log")"
grep -q "$id2" "$WORK/hooks" && fail "a callback went to a receiver whose certificate was not verified"
stop_service "$SERVICE_PID"

# Refusals at start (exit 2, usage): plain HTTP on a non-loopback address, half or mismatched key
# files, a clear-text token file (with the command that converts it).
refused() {  # refused MESSAGE-PART serve-args...
  local part=$1; shift
  expect_exit 2 "$FINSEG" serve --store "$WORK/store" --results "$WORK/refused" --port 0 "$@"
  grep -qF -- "$part" "$WORK/err" || fail "serve $*: expected '$part' in: $(cat "$WORK/err")"
}
refused "without TLS is refused" --tokens "$WORK/tokens" --bind 0.0.0.0
refused "go together" --tokens "$WORK/tokens" --tls-cert "$PKI/server.pem"
refused "is not the key of the certificate" --tokens "$WORK/tokens" --tls-cert "$PKI/server.pem" --tls-key "$PKI/renewed.key"
refused "exclude each other" --tokens "$WORK/tokens" --tls-cert "$PKI/server.pem" --tls-key "$PKI/server.key" --plain-http-behind-proxy
CLEAR="clear-text-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '# the old format\ncrm %s\n' "$CLEAR" > "$WORK/clear-tokens"
refused "finseg token hash --tokens $WORK/clear-tokens" --tokens "$WORK/clear-tokens"
grep -qF "$CLEAR" "$WORK/err" && fail "the refusal prints the clear-text token"
"$FINSEG" token hash --tokens "$WORK/clear-tokens" 2> /dev/null
grep -qF "$CLEAR" "$WORK/clear-tokens" && fail "finseg token hash left the clear-text token"
[ "$(grep -c "^crm sha256:$(printf %s "$CLEAR" | sha256sum | cut -c1-64)$" "$WORK/clear-tokens")" = 1 ] || fail "converted file: $(cat "$WORK/clear-tokens")"
[ "$(stat -c %a "$WORK/clear-tokens")" = 600 ] || fail "converted token file is not mode 600"

# A TLS proxy in front: plain HTTP on a non-loopback address with the explicit flag; the client
# keeps its token across the conversion.
"$FINSEG" serve --store "$WORK/store" --results "$WORK/proxied" --port 0 --bind 0.0.0.0 --plain-http-behind-proxy \
  --tokens "$WORK/clear-tokens" --audit-log "$WORK/proxied-audit.jsonl" > "$WORK/proxied.out" 2> "$WORK/proxied.log" &
SERVICE_PIDS+=($!)
for i in $(seq 100); do grep -q '^listening on ' "$WORK/proxied.out" 2> /dev/null && break; sleep 0.1; done
grep -q '^listening on http://0.0.0.0:' "$WORK/proxied.out" || fail "proxied service: $(cat "$WORK/proxied.log")"
grep -q "warning: --plain-http-behind-proxy" "$WORK/proxied.log" || fail "no warning for --plain-http-behind-proxy"
URL="http://127.0.0.1:$(sed -n 's/^listening on http:\/\/0.0.0.0://p' "$WORK/proxied.out")"; CURL_TLS=()
expect 400 GET "/segments/highBalance/$id" "$CLEAR" -H "X-Forwarded-For: 203.0.113.7"
expect 401 GET "/segments/highBalance/$id" "$ALICE"
# Behind the proxy the audit line names the client's address the proxy forwarded.
grep -q '"client":"crm","remote":"127.0.0.1:[0-9]*","forwardedFor":"203.0.113.7","method":"GET"' "$WORK/proxied-audit.jsonl" \
  || fail "proxied audit line: $(cat "$WORK/proxied-audit.jsonl")"
echo "http tls: TLS with curl (wrong/no CA, expired, TLS 1.1, plain HTTP refused), SIGHUP reload, hashed tokens, audit trail, https callbacks, start refusals ok"
