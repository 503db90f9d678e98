#!/usr/bin/env bash
# gzip both ways against the real binary, checked by independent implementations: request bodies compressed by
# Python's gzip module create 100 connections; the list of them comes back gzipped and is inflated by Python's gzip
# module and by `curl --compressed`, equal byte for byte to the identity answer; HEAD answers the same headers.
# Then the refusals, each leaving the connection count unchanged: a 10 MB bomb in a ~10 KB body (413), truncated
# and corrupt gzip (400 `400050`), another coding (415 `415002` with `Accept-Encoding: gzip`).
# Usage: checks/e2e/compression.sh (SKIP_BUILD=1 to use the existing .build/debug/embedded-api)
set -euo pipefail
cd "$(dirname "$0")/../.."

unset DATABASE_URL CREDENTIAL_KEYS
source checks/lib-server.sh

fail() { echo "compression: FAILED: $*" >&2; exit 1; }
step() { printf '\033[1m--> %s\033[0m\n' "$*" >&2; }

server_build
server_database
server_start 18620
base="http://127.0.0.1:$SERVER_PORT"

# call METHOD PATH [curl args...]: sets $status, $headers; the body is in $ROBUST_WORK/body.
call() {
    local method=$1 path=$2
    shift 2
    status=$(curl -sS -X "$method" -H "Authorization: Bearer $api_key" -D "$ROBUST_WORK/headers" -o "$ROBUST_WORK/body" -w '%{http_code}' "$@" "$base$path")
    headers=$(tr -d '\r' < "$ROBUST_WORK/headers")
}
# post_gzip PATH JSON [extra curl args]: the JSON gzipped by Python, sent with Content-Encoding: gzip.
post_gzip() {
    local path=$1 json=$2
    shift 2
    python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.compress(sys.argv[1].encode()))' "$json" > "$ROBUST_WORK/request.gz"
    call POST "$path" -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' --data-binary @"$ROBUST_WORK/request.gz" "$@"
}
field() { python3 -c 'import json,sys; v=json.load(open(sys.argv[2]))
for k in sys.argv[1].split("."): v = v[int(k)] if k.isdigit() else v[k]
print(v)' "$1" "$ROBUST_WORK/body"; }
header() { sed -n "s/^$1: //Ip" <<<"$headers" | head -1; }
expect() { [ "$status" = "$1" ] || fail "$2: expected $1, got $status: $(head -c 300 "$ROBUST_WORK/body")"; }
expect_code() { expect "$1" "$3"; [ "$(field code)" = "$2" ] || fail "$3: code $(field code)"; }

created="$("$BINARY" organisations create --name "Compression")"
organisation=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["organisationId"])' <<<"$created")
api_key=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["apiKey"])' <<<"$created")

step "connector, hub and end user, each created from a gzip body"
post_gzip "/o/$organisation/protocols/http/connectors" '{"name":"Acme","baseUrl":"https://api.acme.example","authSchemeConfigs":[{"id":"key","description":"API key","schemeType":"api-key","name":"X-API-Key","in":"header"}]}'
expect 201 "create connector"; connector=$(field id)
post_gzip /hubs "{\"organisationId\":\"$organisation\",\"name\":\"Hub\",\"primaryConnectorId\":\"$connector\",\"authSchemeConfig\":{\"id\":\"none\",\"description\":\"\",\"schemeType\":\"none\"}}"
expect 201 "create hub"; hub=$(field id)
entry='{"authSchemeConfig":{"id":"key","description":"API key","schemeType":"api-key","name":"X-API-Key","in":"header"},"credential":{"name":"k","type":"string","data":{"value":"s3cret"}}}'
post_gzip "/hubs/$hub/users" "{\"externalId\":\"user-1\",\"displayName\":\"Ada\",\"primaryConnection\":{\"name\":\"primary\",\"credentials\":{\"action\":[$entry],\"trigger\":[]}}}"
expect 201 "create end user"

step "99 more connections from gzip bodies"
for index in $(seq 1 99); do
    post_gzip "/hubs/$hub/users/user-1/connections" "{\"connectorId\":\"$connector\",\"connection\":{\"name\":\"connection-$index\",\"variables\":[{\"name\":\"region\",\"value\":\"eu-west-$index\"}],\"credentials\":{\"action\":[$entry],\"trigger\":[]}}}"
    expect 201 "create connection $index"
done
list="/hubs/$hub/users/user-1/connections?first=100"

step "the list of 100, identity and gzip"
call GET "$list"
expect 200 "identity list"; [ "$(field totalCount)" = 100 ] || fail "totalCount $(field totalCount)"
cp "$ROBUST_WORK/body" "$ROBUST_WORK/identity.json"
[ -z "$(header Content-Encoding)" ] || fail "identity answer has Content-Encoding $(header Content-Encoding)"
[ "$(header Vary)" = Accept-Encoding ] || fail "identity answer lacks Vary: $(header Vary)"
call GET "$list" -H 'Accept-Encoding: gzip'
expect 200 "gzip list"
[ "$(header Content-Encoding)" = gzip ] || fail "no Content-Encoding: gzip"
[ "$(header Vary)" = Accept-Encoding ] || fail "gzip answer lacks Vary"
[ "$(header Content-Length)" = "$(stat -c %s "$ROBUST_WORK/body")" ] || fail "Content-Length $(header Content-Length) is not the gzip size"
gzip_length=$(header Content-Length)
python3 - "$ROBUST_WORK/body" "$ROBUST_WORK/identity.json" <<'PY' || fail "Python's gzip does not inflate the answer to the identity body"
import gzip, sys
zipped, plain = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
assert gzip.decompress(zipped) == plain
print(f"{len(plain)} bytes of JSON sent as {len(zipped)} bytes of gzip ({len(plain) / len(zipped):.1f}x)")
PY
call GET "$list" --compressed
cmp -s "$ROBUST_WORK/body" "$ROBUST_WORK/identity.json" || fail "curl --compressed does not give the identity body"
call HEAD "$list" -H 'Accept-Encoding: gzip' -I
[ "$status" = 200 ] && [ "$(header Content-Encoding)" = gzip ] && [ "$(header Content-Length)" = "$gzip_length" ] \
    || fail "HEAD: $status $(header Content-Encoding) $(header Content-Length), GET said $gzip_length"

count_unchanged() {
    call GET "/hubs/$hub/users/user-1/connections?first=1"
    [ "$(field totalCount)" = 100 ] || fail "$1 wrote something: totalCount $(field totalCount)"
}
request="{\"connectorId\":\"$connector\",\"connection\":{\"name\":\"never\",\"credentials\":{\"action\":[$entry],\"trigger\":[]}}}"

step "a 10 MB bomb in a small body is 413"
python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.compress(b"{\"name\":\"" + b"a" * 10_000_000 + b"\"}", 9))' > "$ROBUST_WORK/bomb.gz"
bomb_size=$(stat -c %s "$ROBUST_WORK/bomb.gz")
call POST "/hubs/$hub/users/user-1/connections" -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' --data-binary @"$ROBUST_WORK/bomb.gz"
expect_code 413 413000 "bomb of $bomb_size bytes"
count_unchanged "the bomb"

step "truncated and corrupt gzip are 400 400050"
python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.compress(sys.argv[1].encode())[:-5])' "$request" > "$ROBUST_WORK/truncated.gz"
call POST "/hubs/$hub/users/user-1/connections" -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' --data-binary @"$ROBUST_WORK/truncated.gz"
expect_code 400 400050 "truncated"; grep -q truncated "$ROBUST_WORK/body" || fail "the message does not say truncated"
python3 -c 'import gzip, sys; b = bytearray(gzip.compress(sys.argv[1].encode())); b[len(b) // 2] ^= 0xFF; sys.stdout.buffer.write(b)' "$request" > "$ROBUST_WORK/corrupt.gz"
call POST "/hubs/$hub/users/user-1/connections" -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' --data-binary @"$ROBUST_WORK/corrupt.gz"
expect_code 400 400050 "corrupt"; grep -q corrupt "$ROBUST_WORK/body" || fail "the message does not say corrupt"
count_unchanged "truncated or corrupt gzip"

step "another coding is 415 415002 naming gzip"
call POST "/hubs/$hub/users/user-1/connections" -H 'Content-Type: application/json' -H 'Content-Encoding: br' --data-binary "$request"
expect_code 415 415002 "br"
[ "$(header Accept-Encoding)" = gzip ] || fail "415 without Accept-Encoding: gzip"
count_unchanged "an unknown coding"

echo "compression: all checks passed"
