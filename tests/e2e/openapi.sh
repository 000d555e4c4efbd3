#!/usr/bin/env bash
# docs/openapi.yaml against the live service (issue 20). The npm tools (pinned below; installed
# once into ~/.cache/finseg-npm, like scripts/bench's DuckDB) check three things:
# - the file is a valid OpenAPI document (swagger-parser, and Redocly's recommended rules);
# - the request shapes of the HTTP tests (http_api, http_paging, http_changes, http_ops), sent
#   through Stoplight Prism's validating proxy (`prism proxy --errors`) in front of `finseg serve`
#   (over TLS, as in production; a second, plain one for the connection limit's 503 on every route),
#   reach the service and come back with the service's status, without a request or response
#   violation (Prism answers those 422/500 with application/problem+json, and names any violation
#   in an sl-violations header); every status every operation declares is answered at least once;
#   requests the service refuses are refused by the description too (422) wherever a schema can
#   say so, and otherwise reach the service's 400;
# - a TypeScript client generated from the file (openapi-typescript + openapi-fetch) type-checks a
#   call of each segment's POST and GET (a misspelt field must be a type error), and runs them
#   against the service through the proxy.
# Exit 77 (skip) only when node or npm are missing (scripts/install-deps installs them).
source "$(dirname "$0")/http_lib.sh"
command -v node >/dev/null && command -v npm >/dev/null || { echo "SKIP: node and npm are needed (scripts/install-deps)"; exit 77; }
SPEC="$FINSEG_SOURCE_DIR/docs/openapi.yaml"
HERE="$(cd "$(dirname "$0")" && pwd)"

# ---- the tools: pinned versions that run on Debian 12's node 18.20 --------------------------------
TOOLS=(@stoplight/prism-cli@5.14.2 openapi-typescript@7.13.0 openapi-fetch@0.17.0 typescript@5.9.3 @apidevtools/swagger-parser@12.1.0
       @redocly/openapi-core@1.34.24)
NPM_DIR="${FINSEG_NPM_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/finseg-npm}/openapi"
mkdir -p "$NPM_DIR"
(
  flock 9  # two builds' test runs share the folder
  if [ "$(cat "$NPM_DIR/installed" 2>/dev/null)" != "${TOOLS[*]}" ]; then
    echo "installing ${TOOLS[*]} into $NPM_DIR (test tools only)"
    [ -f "$NPM_DIR/package.json" ] || echo '{"name": "finseg-openapi-test", "private": true}' > "$NPM_DIR/package.json"
    (cd "$NPM_DIR" && npm install --no-audit --no-fund --loglevel=error --save-exact "${TOOLS[@]}" > "$WORK/npm.log" 2>&1) \
      || { cat "$WORK/npm.log"; fail "npm install of the OpenAPI tools failed"; }
    echo "${TOOLS[*]}" > "$NPM_DIR/installed"
  fi
) 9> "$NPM_DIR/.lock"
BIN="$NPM_DIR/node_modules/.bin"

# ---- structural validation, and the statuses every operation declares -------------------------------
# swagger-parser: valid against the OpenAPI 3.0 schema, every $ref resolves. Redocly's "recommended"
# rules (what generators trip over: duplicate operationIds, undeclared path parameters, ...): none
# may fire, except two that do not apply (the project has no license yet; /health takes no input,
# so it has no 4xx).
NODE_PATH="$NPM_DIR/node_modules" node - "$SPEC" > "$WORK/declared" <<'JS' || fail "docs/openapi.yaml is not a valid OpenAPI document"
const SwaggerParser = require("@apidevtools/swagger-parser");
const { lint, createConfig } = require("@redocly/openapi-core");
(async () => {
  const config = await createConfig({ extends: ["recommended"], rules: { "info-license": "off", "operation-4xx-response": "off" } });
  const problems = await lint({ ref: process.argv[2], config });
  for (const p of problems) console.error(`${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0].pointer}`);
  if (problems.length > 0) process.exit(1);
  const api = await SwaggerParser.validate(process.argv[2]);
  for (const [path, item] of Object.entries(api.paths))
    for (const [method, op] of Object.entries(item))
      for (const status of Object.keys(op.responses || {})) console.log(`${method.toUpperCase()} ${path} ${status}`);
})().catch(e => { console.error(e.message); process.exit(1); });
JS
[ "$(grep -c . "$WORK/declared")" -gt 40 ] || fail "too few operations declared: $(cat "$WORK/declared")"
# ---- the typed client (openapi-typescript + openapi-fetch), type-checked while the service works ------
# (in the background: the tools take seconds of CPU, the requests below mostly wait for runs)
typecheck() {
  mkdir -p "$WORK/client"
  ln -s "$NPM_DIR/node_modules" "$WORK/client/node_modules"
  cp "$HERE/openapi_client.mts" "$WORK/client/client.mts"
  cat > "$WORK/client/tsconfig.json" <<'JSON'
{"compilerOptions": {"target": "es2022", "module": "nodenext", "moduleResolution": "nodenext", "lib": ["es2022", "dom"],
  "strict": true, "noUncheckedIndexedAccess": true, "types": [], "outDir": "out"}, "files": ["client.mts"]}
JSON
  "$BIN/openapi-typescript" "$SPEC" -o "$WORK/client/finseg-api.d.ts" \
    || { echo "openapi-typescript could not generate types from docs/openapi.yaml"; return 1; }
  # One tsc run type-checks and compiles (it exits non-zero on any type error).
  "$BIN/tsc" -p "$WORK/client/tsconfig.json" || { echo "the typed client does not type-check against docs/openapi.yaml"; return 1; }
  # The negative check: a misspelt field without its @ts-expect-error must fail type-checking.
  sed 's|// @ts-expect-error: durationInMonths.*|// (misspelt, unmarked)|' "$WORK/client/client.mts" > "$WORK/client/misspelt.mts"
  sed 's/"client.mts"/"misspelt.mts"/' "$WORK/client/tsconfig.json" > "$WORK/client/tsconfig.misspelt.json"
  if "$BIN/tsc" -p "$WORK/client/tsconfig.misspelt.json" --noEmit > "$WORK/tsc-misspelt.log" 2>&1; then
    echo "a misspelt request field (durationInMonths) type-checks: the generated types accept anything"; return 1
  fi
  grep -q "durationInMonths" "$WORK/tsc-misspelt.log" || { cat "$WORK/tsc-misspelt.log"; echo "tsc failed, but not on the misspelt field"; return 1; }
}
# In a session of its own, so that an early end of the test stops the tools too (the whole group).
export WORK NPM_DIR BIN SPEC HERE
setsid bash -euc "$(declare -f typecheck); typecheck" > "$WORK/typecheck.log" 2>&1 &
TYPECHECK_PID=$!
trap 'kill -- -"$TYPECHECK_PID" 2>/dev/null || true; cleanup' EXIT

# ---- the service and the validating proxy in front of it --------------------------------------------
"$FINSEG" generate --users 150 --months 16 --seed 23 --shards 3 --snapshot 2026-10-15 --out "$WORK/store" > /dev/null
# The connection limit's service: one connection per client (the test holds one open at the end).
start_service limited --store "$WORK/store" --results "$WORK/limited" --tokens "$WORK/tokens" --max-connections-per-client 1 \
  --request-timeout 120
LIMITED=$URL
# The service under test speaks TLS (the production setup of the description's first server): a test
# CA and a certificate for 127.0.0.1, trusted by curl (--cacert) and by the proxy (node's
# NODE_EXTRA_CA_CERTS). A coalescing window of 1.5 s: a job is still queued (404) when it is read
# right after its POST.
PKI="$WORK/pki"; mkdir "$PKI"
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$PKI/ext"
for k in ca server; do openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI/$k.key" 2> /dev/null; done
openssl req -x509 -key "$PKI/ca.key" -out "$PKI/ca.pem" -days 2 -subj "/CN=finseg openapi test CA" 2> /dev/null
openssl req -new -key "$PKI/server.key" -subj "/CN=127.0.0.1" 2> /dev/null \
  | openssl x509 -req -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -CAcreateserial -CAserial "$PKI/ca.srl" -days 2 \
      -extfile "$PKI/ext" -out "$PKI/server.pem" 2> /dev/null
[ -s "$PKI/server.pem" ] || fail "openssl could not make the test certificate"
CURL_TLS=(--cacert "$PKI/ca.pem")
start_service api --store "$WORK/store" --results "$WORK/results" --tokens "$WORK/tokens" --mpiexec "$MPIEXEC" --ranks 2 \
  --body-limit 4096 --coalesce-ms 1500 --tls-cert "$PKI/server.pem" --tls-key "$PKI/server.key"
[ "${URL%%://*}" = https ] || fail "the service does not speak TLS: $URL"
declare -A PRISM_PID
# launch_prism NAME UPSTREAM: starts the validating proxy (log $WORK/NAME.log); proxy_of NAME waits
# until it listens and prints its URL. Both proxies start at once: each takes seconds to load.
launch_prism() {
  NODE_EXTRA_CA_CERTS="$PKI/ca.pem" "$BIN/prism" proxy --errors -h 127.0.0.1 -p 0 "$SPEC" "$2" > "$WORK/$1.log" 2>&1 &
  PRISM_PID[$1]=$!
  EXTRA_PIDS="${EXTRA_PIDS:-} $!"
}
proxy_of() {
  local i url
  for i in $(seq 600); do
    url=$(sed -n 's/.*Prism is listening on \(http[^ ]*\).*/\1/p' "$WORK/$1.log")
    [ -n "$url" ] && { echo "$url"; return 0; }
    kill -0 "${PRISM_PID[$1]}" 2>/dev/null || { cat "$WORK/$1.log" >&2; fail "prism $1 did not start"; }
    sleep 0.1
  done
  cat "$WORK/$1.log" >&2; fail "prism $1: not listening after 60 s"
}
launch_prism prism "$URL"
launch_prism prism-limited "$LIMITED"
PROXY=$(proxy_of prism)

shown() { head -c 800 "$WORK/body"; }  # the last body, cut for a failure message
# route PATH: the operation's template in the description.
route() {
  local p=${1%%\?*}
  case "$p" in
    /segments/*/*/changes) echo "/segments/$(cut -d/ -f3 <<< "$p")/{jobId}/changes" ;;
    /segments/*/*) echo "/segments/$(cut -d/ -f3 <<< "$p")/{jobId}" ;;
    *) echo "$p" ;;
  esac
}
# via METHOD PATH TOKEN [curl args]: the request through the proxy; prints the status. Fails on any
# violation Prism reports (an sl-violations header, or its own problem+json answer).
via() {
  local method=$1 path=$2 tok=$3; shift 3
  local auth=() got
  [ -n "$tok" ] && auth=(-H "Authorization: Bearer $tok")
  got=$(curl -sS --max-time 60 -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' -X "$method" "${auth[@]}" "$@" "$PROXY$path")
  if grep -qi '^sl-violations:' "$WORK/headers" || grep -qi '^content-type: application/problem+json' "$WORK/headers"; then
    fail "$method $path through the proxy: $got $(grep -i '^sl-violations:' "$WORK/headers") $(shown)"
  fi
  echo "$method $(route "$path") $got" >> "$WORK/seen"
  echo "$got"
}
# pass STATUS METHOD PATH TOKEN [curl args]: through the proxy, the service answers STATUS.
pass() {
  local want=$1 got; shift
  got=$(via "$@")
  [ "$got" = "$want" ] || fail "$1 $2 through the proxy: expected $want, got $got: $(shown)"
}
# refused BY METHOD PATH TOKEN [curl args]: the service answers 400 (directly), and through the
# proxy: BY=spec, the proxy refuses the request itself (422: the description rejects it too);
# BY=service, it reaches the service's 400 (the description cannot say why: 3 fraction digits,
# malformed JSON, an unknown query parameter, a page Prism's coercion reads as a number).
refused() {
  local by=$1 method=$2 path=$3 tok=$4; shift 4
  local auth=() got
  [ -n "$tok" ] && auth=(-H "Authorization: Bearer $tok")
  got=$(call "$method" "$path" "$tok" "$@")
  [ "$got" = 400 ] || fail "$method $path directly: expected 400, got $got: $(shown)"
  got=$(curl -sS --max-time 60 -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' -X "$method" "${auth[@]}" "$@" "$PROXY$path")
  case "$by $got" in
    "spec 422") grep -q 'prism/errors#UNPROCESSABLE_ENTITY' "$WORK/body" || fail "$method $path: a 422 that is not Prism's: $(shown)"
                echo "$method $path" >> "$WORK/refused-by-spec" ;;
    "service 400") grep -qi '^sl-violations:' "$WORK/headers" && fail "$method $path: $(grep -i '^sl-violations:' "$WORK/headers")"
                   echo "$method $(route "$path") 400" >> "$WORK/seen" ;;
    *) fail "$method $path $*: expected the $by to refuse it, got $got through the proxy: $(shown)" ;;
  esac
}
# submit SEGMENT[?query] TOKEN JSON: POSTs through the proxy (201), prints the jobId.
submit() {
  pass 201 POST "/segments/$1" "$2" --data-binary "$3" -H 'Content-Type: application/json'
  grep -qi "^location: /segments/${1%%\?*}/" "$WORK/headers" || fail "POST $1: no Location: $(cat "$WORK/headers")"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["jobId"])' "$WORK/body"
}
# done_via SEGMENT ID TOKEN: polls through the proxy until 200 (404 while queued or running).
done_via() {
  local got i
  for i in $(seq 1200); do
    got=$(via GET "/segments/$1/$2" "$3")
    [ "$got" = 200 ] && return 0
    [ "$got" = 404 ] || fail "GET $1/$2: $got $(shown)"
    sleep 0.1
  done
  fail "GET $1/$2: not done after 120 s"
}

# valid_body SEGMENT: a small valid request of the segment.
valid_body() {
  case $1 in
    lowBalance) echo '{"threshold": 0, "durationInMonth": 3}' ;;
    highBalance) echo '{"accountType": "savings", "threshold": 0}' ;;
    financialBreakdown) echo '{"durationInMonth": 3, "labelGroups": ["INCOME"]}' ;;
    *) echo '{"durationInMonth": 3}' ;;
  esac
}

# ---- jobs: the example jobs, http_paging's and http_changes' requests, and an older job of each ----
declare -A job seg
for j in "$FINSEG_SOURCE_DIR"/jobs/*.json; do
  n=$(basename "$j" .json); seg[$n]=$(segment_of "$j")
  job[$n]=$(submit "${seg[$n]}" "$ALICE" "$(request_of "$j")")
  job[old-$n]=$(submit "${seg[$n]}?creationDate=2026-07-15" "$ALICE" "$(request_of "$j")"); seg[old-$n]=${seg[$n]}
done
add() { seg[$1]=${2%%\?*}; job[$1]=$(submit "$2" "$3" "$4"); }
add dated 'highBalance?creationDate=2024-01-31' "$ALICE" '{"accountType": "savings", "threshold": 1000}'
add fb 'financialBreakdown?creationDate=2026-09-30' "$ALICE" '{"durationInMonth": 3, "labelGroups": ["INSURANCE", "LIFESTYLE"]}'
add fb-old 'financialBreakdown?creationDate=2026-06-30' "$ALICE" '{"durationInMonth": 3, "labelGroups": ["INSURANCE", "LIFESTYLE"]}'
add fb-other 'financialBreakdown?creationDate=2026-09-30' "$ALICE" '{"durationInMonth": 3.0, "labelGroups": ["INSURANCE"]}'
add fb-bob 'financialBreakdown?creationDate=2026-06-30' "$BOB" '{"durationInMonth": 3, "labelGroups": ["INSURANCE", "LIFESTYLE"]}'
add ins 'insuranceSpending?creationDate=2026-09-30' "$ALICE" '{"expectedInsuranceTypes": ["HEALTHINSURANCE", "LIFEINSURANCE", "TRAVELINSURANCE"]}'
add ins-plain insuranceSpending "$ALICE" '{"durationInMonth": 6}'
add ins-empty insuranceSpending "$ALICE" '{"expectedInsuranceTypes": []}'
add inc 'incomeSpendingSummary?creationDate=2026-09-30' "$ALICE" '{"durationInMonth": 2, "accountType": "checking"}'
add none 'highBalance?creationDate=2026-09-30' "$ALICE" '{"accountType": "checking", "threshold": 999999999}'
add low-neg lowBalance "$ALICE" '{"threshold": -0.5, "durationInMonth": 24}'
add callback highBalance "$BOB" '{"accountType": "checking", "threshold": 5000, "callbackURL": "http://localhost:9/never"}'
# Read at once: queued (the coalescing window) or starting its run, so 404 NOT_READY, for the job
# and for its changes (a job that is not done answers so before any other check of the pair).
for s in lowBalance highBalance financialBreakdown insuranceSpending incomeSpendingSummary; do
  add "fresh-$s" "$s" "$ALICE" "$(valid_body "$s")"
  pass 404 GET "/segments/$s/${job[fresh-$s]}" "$ALICE"; body_has NOT_READY
  pass 404 GET "/segments/$s/${job[fresh-$s]}/changes?since=${job[fresh-$s]}" "$ALICE"; body_has NOT_READY
done
for n in "${!job[@]}"; do
  tok=$ALICE; [ "$n" = fb-bob ] || [ "$n" = callback ] && tok=$BOB
  done_via "${seg[$n]}" "${job[$n]}" "$tok"
done
grep -q 'request to https://127.0.0.1:' "$WORK/prism.log" || fail "the proxy did not forward over TLS: $(tail -3 "$WORK/prism.log")"
# The proxy answers with the service's document (its JSON re-serialized: 12.50 -> 12.5).
for n in uc01-recurring-overdraft uc03-spending-breakdown uc04-insurance-cross-selling; do
  pass 200 GET "/segments/${seg[$n]}/${job[$n]}" "$ALICE"
  /usr/bin/python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == json.load(open(sys.argv[2]))' \
    "$WORK/body" "$WORK/results/${job[$n]}/result.json" || fail "$n: the proxy's document is not the service's"
done
grep -q '"missingInsuranceTypes":\["' "$WORK/results/${job[ins]}/result.json" || fail "nobody misses an insurance: untested"
grep -q '"missingInsuranceTypes"' "$WORK/results/${job[ins-plain]}/result.json" && fail "missingInsuranceTypes without expectedInsuranceTypes"

# ---- results: pages, streams (http_paging.sh) for every segment -------------------------------------
for n in uc01-recurring-overdraft uc02-high-liquidity-savings uc03-spending-breakdown uc04-insurance-cross-selling \
         income-spending-summary none ins-plain; do
  p="/segments/${seg[$n]}/${job[$n]}"
  for q in 'page=1&perPage=40' 'page=2&perPage=7' 'page=1000000&perPage=500' 'perPage=7' 'page=3'; do
    pass 200 GET "$p?$q" "$ALICE"; body_has '"paging":{"page":'
  done
  pass 200 GET "$p" "$ALICE" -H 'Accept: application/x-ndjson'
  pass 200 GET "$p?page=2&perPage=5" "$ALICE" -H 'Accept: application/x-ndjson'
  pass 200 GET "$p" "$ALICE" -H 'Accept: text/csv'; head -1 "$WORK/body" | grep -q '^userId,' || fail "$n: CSV without its header"
  pass 200 GET "$p" "$ALICE" -H 'Accept: text/html, */*'
done
# Bad page values: refused by the description where it can say so, else by the service.
for q in 'page=0' 'page=-1' 'page=1.5' 'page=abc' 'perPage=0' 'perPage=501' 'page=1&page=2' 'perPage=5&perPage=5' \
         'page=99999999999999999999'; do
  refused spec GET "/segments/financialBreakdown/${job[fb]}?$q" "$ALICE"
done
for q in 'page=' 'perPage=1e2' 'page=%2B1'; do refused service GET "/segments/financialBreakdown/${job[fb]}?$q" "$ALICE"; done

# ---- jobs that are not the client's (http_api.sh), for every segment ---------------------------------
unknown=00000000-0000-4000-8000-000000000000
for s in lowBalance highBalance financialBreakdown insuranceSpending incomeSpendingSummary; do
  pass 400 GET "/segments/$s/$unknown" "$ALICE"; body_has NOT_FOUND
  pass 400 GET "/segments/$s/$unknown/changes?since=$unknown" "$ALICE"; body_has NOT_FOUND
  pass 401 GET "/segments/$s/$unknown" "x$ALICE"; body_has UNAUTHORIZED
  pass 401 GET "/segments/$s/$unknown/changes?since=$unknown" "wrong-token"
done
pass 400 GET "/segments/lowBalance/${job[uc01-recurring-overdraft]}" "$BOB"; body_has NOT_FOUND
pass 400 GET "/segments/highBalance/${job[uc01-recurring-overdraft]}" "$ALICE"; body_has NOT_FOUND
pass 400 GET "/segments/financialBreakdown/${job[fb]}?page=1" "$BOB"; body_has NOT_FOUND
refused spec GET "/segments/lowBalance/a.b" "$ALICE"
refused spec GET "/segments/lowBalance/%2e%2e%2fx" "$ALICE" --path-as-is
# Without a token the proxy answers 401 itself (the description's security), like the service.
for p in /segments/highBalance "/segments/lowBalance/$unknown"; do
  got=$(curl -sS -o "$WORK/body" -w '%{http_code}' -X "$([ "$p" = /segments/highBalance ] && echo POST || echo GET)" "$PROXY$p" \
        -H 'Content-Type: application/json' --data-binary '{"accountType": "checking", "threshold": 5}')
  [ "$got" = 401 ] || fail "$p without a token through the proxy: $got $(shown)"
done
expect 401 GET "/segments/lowBalance/$unknown" ""

# ---- request validation (http_api.sh): the description refuses what the service refuses -------------
bad() { refused "$1" POST "/segments/$2" "$ALICE" --data-binary "$3" -H 'Content-Type: application/json'; }
bad service highBalance '{"accountType": "checking", "threshold": 5'
bad spec highBalance '{"accountType": "checking", "threshold": "5000"}'
bad service highBalance '{"accountType": "checking", "threshold": 1.234}'
bad spec highBalance '{"accountType": "checking", "threshold": null}'
bad spec highBalance '{"accountType": "checking"}'
bad spec highBalance '{"accountType": "giro", "threshold": 5}'
bad spec highBalance '{"accountType": "checking", "threshold": 5, "colour": "red"}'
bad spec highBalance '[1, 2]'
bad spec highBalance '{"accountType": "checking", "threshold": 5, "durationInMonth": 3}'
bad spec lowBalance '{"threshold": 0, "durationInMonth": 25}'
bad spec lowBalance '{"threshold": 0, "durationInMonth": 2.5}'
bad service lowBalance '{"threshold": 0.001, "durationInMonth": 2}'
bad spec lowBalance '{"durationInMonth": 2}'
bad spec financialBreakdown '{"durationInMonth": 3, "labelGroups": ["INCOME", "INCOME"]}'
bad spec financialBreakdown '{"durationInMonth": 3, "labelGroups": []}'
bad spec financialBreakdown '{"durationInMonth": 13, "labelGroups": ["INCOME"]}'
bad spec financialBreakdown '{"durationInMonth": 3, "labelGroups": ["SALARY"]}'
bad spec insuranceSpending '{"expectedInsuranceTypes": ["INSURANCE"]}'
bad spec insuranceSpending '{"callbackURL": "ftp://example/x"}'
bad spec insuranceSpending '{"callbackURL": "http://:80/x"}'
bad spec incomeSpendingSummary '{"durationInMonth": "3"}'
bad spec incomeSpendingSummary '{"durationInMonth": 3, "labelGroups": ["INCOME"]}'
bad spec 'highBalance?creationDate=2024-02-30' '{"accountType": "checking", "threshold": 5}'
bad spec 'highBalance?creationDate=2024-01-31&creationDate=2024-02-01' '{"accountType": "checking", "threshold": 5}'
bad spec 'highBalance?creationDate=2024-01-31&creationDate=2024-01-31' '{"accountType": "checking", "threshold": 5}'
bad service 'highBalance?colour=red' '{"accountType": "checking", "threshold": 5}'
# Valid to the description, refused by the service only: each segment's POST answers its 400.
long="http://127.0.0.1/$(head -c 5000 /dev/zero | tr '\0' a)"
pass 400 POST /segments/highBalance "$ALICE" --data-binary '{"accountType": "checking", "threshold": 1.234}' -H 'Content-Type: application/json'
body_has 'request.threshold'
pass 400 POST /segments/lowBalance "$ALICE" --data-binary '{"threshold": 0.001, "durationInMonth": 2}' -H 'Content-Type: application/json'
for s in financialBreakdown insuranceSpending incomeSpendingSummary; do
  body='{"durationInMonth": 3, "labelGroups": ["INCOME"], "callbackURL": "'$long'"}'
  [ "$s" = financialBreakdown ] || body='{"durationInMonth": 3, "callbackURL": "'$long'"}'
  pass 400 POST "/segments/$s" "$ALICE" --data-binary "$body" -H 'Content-Type: application/json'; body_has 'larger than 4096 bytes'
done
for s in lowBalance highBalance financialBreakdown insuranceSpending incomeSpendingSummary; do
  pass 401 POST "/segments/$s" "wrong-token" --data-binary "$(valid_body "$s")" -H 'Content-Type: application/json'
done

# ---- changes (http_changes.sh) for every segment -----------------------------------------------------
for j in "$FINSEG_SOURCE_DIR"/jobs/*.json; do
  n=$(basename "$j" .json)
  pass 200 GET "/segments/${seg[$n]}/${job[$n]}/changes?since=${job[old-$n]}" "$ALICE"; body_has '"counts":{'
  pass 200 GET "/segments/${seg[$n]}/${job[$n]}/changes?since=${job[old-$n]}&page=2&perPage=3" "$ALICE"; body_has '"paging":'
  pass 200 GET "/segments/${seg[$n]}/${job[$n]}/changes?since=${job[old-$n]}" "$ALICE" -H 'Accept: application/x-ndjson'
done
for s in "${seg[@]}"; do grep -q "GET /segments/$s/{jobId}/changes 200" "$WORK/seen" || fail "no changes of $s"; done
fb_changes="/segments/financialBreakdown/${job[fb]}/changes"
pass 200 GET "$fb_changes" "$ALICE" -G --data-urlencode "since=${job[fb-old]}" \
  --data-urlencode 'threshold={"labelGroup":"INSURANCE","minChangePercent":20}' --data-urlencode 'threshold={"measure":"average","minChange":5}'
pass 200 GET "/segments/incomeSpendingSummary/${job[income-spending-summary]}/changes" "$ALICE" -G \
  --data-urlencode "since=${job[old-income-spending-summary]}" --data-urlencode 'threshold={"measure":"outgoingTransactions","minChange":10}'
pass 200 GET "/segments/insuranceSpending/${job[uc04-insurance-cross-selling]}/changes" "$ALICE" -G \
  --data-urlencode "since=${job[old-uc04-insurance-cross-selling]}" --data-urlencode 'threshold={"insuranceType":"HEALTHINSURANCE","changes":["repriced"],"minChange":5}'
pass 400 GET "$fb_changes?since=${job[fb-old]}" "$ALICE" -H 'Accept: text/csv'; body_has 'no CSV layout'
pass 400 GET "$fb_changes?since=${job[fb-old]}&sort=x" "$ALICE"; body_has "'sort': unknown"
pass 400 GET "/segments/financialBreakdown/${job[fb-other]}/changes?since=${job[fb-old]}" "$ALICE"; body_has 'different requests'
pass 400 GET "/segments/financialBreakdown/${job[fb-old]}/changes?since=${job[fb]}" "$ALICE"; body_has 'give the older job first'
pass 400 GET "$fb_changes?since=${job[fb-bob]}" "$ALICE"; body_has NOT_FOUND
pass 400 GET "$fb_changes" "$ALICE" -G --data-urlencode "since=${job[fb-old]}" --data-urlencode 'threshold={"labelGroup":"GAMBLING"}'
body_has "not one of the jobs' labelGroups"
refused spec GET "$fb_changes" "$ALICE"
refused spec GET "$fb_changes?since=${job[fb-old]}&page=0" "$ALICE"
refused spec GET "$fb_changes?since=${job[fb-old]}&perPage=501" "$ALICE"

# ---- health and metrics (http_ops.sh) -----------------------------------------------------------------
pass 200 GET /health ""; body_has '"status":"ok"'
pass 200 GET /metrics "$ALICE"; grep -q '^# TYPE finseg_jobs gauge' "$WORK/body" || fail "metrics: $(head -3 "$WORK/body")"
pass 401 GET /metrics ""
pass 401 GET /metrics "not-a-token"

# ---- the typed client, type-checked above: its calls through the proxy --------------------------------
wait "$TYPECHECK_PID" || { cat "$WORK/typecheck.log"; fail "the typed client: $(tail -1 "$WORK/typecheck.log")"; }
node "$WORK/client/out/client.mjs" "$PROXY" "$ALICE" || fail "the typed client failed against the service through the proxy"

# ---- 500s, then the failing health check: a store shard lost, the spool folder and the results gone --
mv "$WORK/store/shard-00001.h5" "$WORK/shard.away"
declare -A failed
for s in lowBalance highBalance financialBreakdown insuranceSpending incomeSpendingSummary; do
  failed[$s]=$(submit "$s" "$ALICE" "$(valid_body "$s")")
done
for s in "${!failed[@]}"; do
  for i in $(seq 1200); do
    got=$(via GET "/segments/$s/${failed[$s]}" "$ALICE"); [ "$got" = 404 ] || break; sleep 0.1
  done
  [ "$got" = 500 ] || fail "$s without a shard: $got $(shown)"; body_has JOB_FAILED
done
mv "$WORK/shard.away" "$WORK/store/shard-00001.h5"
for j in "$FINSEG_SOURCE_DIR"/jobs/*.json; do
  n=$(basename "$j" .json)
  grep -q "GET /segments/${seg[$n]}/{jobId}/changes 500" "$WORK/seen" && continue
  pass 500 GET "/segments/${seg[$n]}/${job[$n]}/changes?since=${failed[${seg[$n]}]}" "$ALICE"; body_has JOB_FAILED
done
mv "$WORK/results/.service/spool" "$WORK/spool.away" && touch "$WORK/results/.service/spool"
for s in lowBalance highBalance financialBreakdown insuranceSpending incomeSpendingSummary; do
  pass 500 POST "/segments/$s" "$ALICE" --data-binary "$(valid_body "$s")" -H 'Content-Type: application/json'; body_has INTERNAL_ERROR
done
rm "$WORK/results/.service/spool" && mv "$WORK/spool.away" "$WORK/results/.service/spool"
mv "$WORK/results" "$WORK/results.away" && touch "$WORK/results"
pass 503 GET /health ""; body_has '"results":"failing"'
rm "$WORK/results" && mv "$WORK/results.away" "$WORK/results"
pass 200 GET /health ""

# ---- the connection limit: a service that takes one connection per client, one held open by us -----
# (the 503 comes before the request is read, so it can answer every route)
PROXY=$(proxy_of prism-limited)
# The held connection starts a request and never ends it: the service then waits for it up to
# --request-timeout (an idle connection is closed after the keep-alive timeout, 5 s). A direct 503
# shows that the service counts it before the proxy's requests come.
exec 3<> "/dev/tcp/127.0.0.1/${LIMITED##*:}"
printf 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n' >&3
for i in $(seq 300); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$LIMITED/health")" = 503 ] && break; sleep 0.1; done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$LIMITED/health")" = 503 ] || fail "the held connection is not counted"
for s in lowBalance highBalance financialBreakdown insuranceSpending incomeSpendingSummary; do
  pass 503 POST "/segments/$s" "$ALICE" --data-binary "$(valid_body "$s")" -H 'Content-Type: application/json'
  body_has TOO_MANY_CONNECTIONS; grep -qi '^retry-after: 1' "$WORK/headers" || fail "503 without Retry-After"
  pass 503 GET "/segments/$s/$unknown" "$ALICE"
  pass 503 GET "/segments/$s/$unknown/changes?since=$unknown" "$ALICE"
done
pass 503 GET /metrics "$ALICE"
pass 503 GET /health ""; body_has TOO_MANY_CONNECTIONS
exec 3<&-

# ---- every declared status was answered through the proxy ---------------------------------------------
missing=()
while read -r method path status; do
  grep -qxF "$method $path $status" "$WORK/seen" || missing+=("$method $path $status")
done < "$WORK/declared"
[ ${#missing[@]} -eq 0 ] || fail "declared but never answered through the proxy: ${missing[*]}"
echo "openapi: valid; $(wc -l < "$WORK/seen") requests through Prism without a violation," \
     "$(sort -u "$WORK/seen" | cut -d' ' -f1-3 | sort -u | wc -l) operation statuses;" \
     "$(wc -l < "$WORK/refused-by-spec") invalid requests refused by the description; typed client ok"
