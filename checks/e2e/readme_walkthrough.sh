#!/usr/bin/env bash
# The walkthrough a new integrator follows, run against the real binary: make an organisation with the operator
# command, a connector and a hub with its API key, an end user with a primary connection, then the core operation
# (CreateEndUserConnection) with an Idempotency-Key, its replay, the refusals, reads, deletes, and a key rotation.
# Every step checks the status and the body; any secret sent must never come back.
# Usage: checks/e2e/readme_walkthrough.sh
# It always starts its own throwaway PostgreSQL: key rotation re-encrypts every credential of the database, and a
# shared test database holds credentials sealed under other test runs' keys.
set -euo pipefail
cd "$(dirname "$0")/../.."

unset DATABASE_URL CREDENTIAL_KEYS
source checks/lib-server.sh
work=$ROBUST_WORK
binary=$BINARY

fail() { echo "walkthrough: FAILED: $*" >&2; exit 1; }
step() { printf '\033[1m--> %s\033[0m\n' "$*" >&2; }

server_build
server_database
# Every level is logged, so the final check covers every line the server can write.
LOG_LEVEL=trace server_start 18610
base="http://127.0.0.1:$SERVER_PORT"

# call METHOD PATH [BODY] [extra curl args...]: sets $status, $body and $headers.
call() {
    local method=$1 path=$2 data=${3:-}
    shift 3 || shift $#
    local args=(-sS -X "$method" -H "Authorization: Bearer $api_key" -D "$work/headers" -o "$work/body" -w '%{http_code}')
    [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data-binary "$data")
    status=$(curl "${args[@]}" "$@" "$base$path")
    body=$(cat "$work/body")
    headers=$(tr -d '\r' < "$work/headers")
}
expect() { [ "$status" = "$1" ] || fail "$2: expected $1, got $status: $body"; }
field() { python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[int(k)] if k.isdigit() else v[k]
print(v if not isinstance(v, (dict, list)) else json.dumps(v))' "$1" <<<"$body"; }
header() { sed -n "s/^$1: //Ip" <<<"$headers" | head -1; }
no_secret() { ! grep -q "$1" <<<"$body$headers" || fail "$2: a secret came back"; }
# conforms SCHEMA: the last body is valid against openapi/openapi.yaml's components.schemas.SCHEMA.
conforms() {
    local problems
    problems=$(PYTHONPATH=checks/contract python3 -c 'import json, sys, spec_schemas
spec = spec_schemas.load_spec()
print("; ".join(spec_schemas.errors(spec, sys.argv[1], json.loads(sys.stdin.read()))))' "$1" <<<"$body") \
        || fail "could not check the body against $1"
    [ -z "$problems" ] || fail "the answer does not match the $1 schema: $problems"
}

step "operator: organisations create"
created="$("$binary" organisations create --name "Walkthrough")"
organisation=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["organisationId"])' <<<"$created")
api_key=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["apiKey"])' <<<"$created")

step "connector and hub"
call POST "/o/$organisation/protocols/http/connectors" '{"name":"Acme","baseUrl":"https://api.acme.example","authSchemeConfigs":[{"id":"key-header","description":"API key","schemeType":"api-key","name":"X-API-Key","in":"header"}]}'
expect 201 "create connector"
connector=$(field id)
call POST /hubs "{\"organisationId\":\"$organisation\",\"name\":\"Main hub\",\"primaryConnectorId\":\"$connector\",\"authSchemeConfig\":{\"id\":\"none\",\"description\":\"\",\"schemeType\":\"none\"}}"
expect 201 "create hub"
hub=$(field id)

entry='{"authSchemeConfig":{"id":"key-header","description":"API key","schemeType":"api-key","name":"X-API-Key","in":"header"},"credential":{"name":"acme key","type":"string","data":{"value":"SECRET_PRIMARY_1"}}}'
step "end user with a primary connection"
call POST "/hubs/$hub/users" "{\"externalId\":\"user-42\",\"displayName\":\"Ada\",\"primaryConnection\":{\"name\":\"primary\",\"credentials\":{\"action\":[$entry],\"trigger\":[]}}}"
expect 201 "create end user"
conforms EndUser
user=$(field id)
[ "$(field primaryConnection.credentials.action.0.credential.data.value)" = "" ] || fail "the primary secret is shown"
no_secret SECRET_PRIMARY_1 "create end user"

request="{\"connectorId\":\"$connector\",\"connection\":{\"name\":\"acme-production\",\"variables\":[{\"name\":\"region\",\"value\":\"eu\"}],\"credentials\":{\"action\":[${entry/SECRET_PRIMARY_1/SECRET_CONNECTION_2}],\"trigger\":[]}}}"
step "CreateEndUserConnection with an Idempotency-Key"
call POST "/hubs/$hub/users/user-42/connections" "$request" -H "Idempotency-Key: walk-1"
expect 201 "create connection"
conforms Connection
first_body=$body
connection=$(field id)
[ "$(header Location)" = "/hubs/$hub/users/$user/connections/$connection?identifier_type=internal" ] || fail "Location: $(header Location)"
[ "$(field credentials.action.0.credential.data.value)" = "" ] || fail "the secret is shown"
[ "$(field credentials.action.0.credential.organisationId)" = "$organisation" ] || fail "organisationId"
no_secret SECRET_CONNECTION_2 "create connection"

step "the retry replays the first answer byte for byte"
call POST "/hubs/$hub/users/user-42/connections" "$request" -H "Idempotency-Key: walk-1"
expect 201 "replay"
[ "$body" = "$first_body" ] || fail "the replay differs from the first answer"
[ "$(header Idempotent-Replayed)" = "true" ] || fail "the replay is not marked"

step "refusals"
call POST "/hubs/$hub/users/user-42/connections" "${request/acme-production/other}" -H "Idempotency-Key: walk-1"
expect 409 "same key, other body"; [ "$(field code)" = 409002 ] || fail "code $(field code)"
conforms Error
call POST "/hubs/$hub/users/user-42/connections" "$request"
expect 409 "duplicate name"; [ "$(field code)" = 409001 ] || fail "code $(field code)"
call POST "/hubs/$hub/users/nobody/connections" "$request"
expect 404 "unknown user"; [ "$(field code)" = 404002 ] || fail "code $(field code)"
call POST "/hubs/$hub/users/user-42/connections" '{"connectorId":"'"$connector"'","connection":{"name":"x","credentials":{"action":[{"authSchemeConfig":{"id":"k","description":"","schemeType":"api-key","name":"K","in":"header"},"credential":{"name":"k","type":"string","data":{}}}]}}}'
expect 400 "missing secret"; [ "$(field fields.0.field)" = "connection.credentials.action[0].credential.data.value" ] || fail "field path: $body"
conforms Error
call POST "/hubs/$hub/users/user-42/connections?identifier_type=email" "$request"
expect 400 "identifier_type"; [ "$(field code)" = 400003 ] || fail "code $(field code)"

step "reads"
call GET "/hubs/$hub/users/$user/connections/$connection?identifier_type=internal"
expect 200 "get connection"
[ "$body" = "$first_body" ] || fail "GET differs from the create answer"
call GET "/hubs/$hub/users/user-42/connections?hub_connector_id=$connector"
expect 200 "list connections"; [ "$(field totalCount)" = 2 ] || fail "totalCount $(field totalCount)"
conforms EndUserConnectionsPage
call GET "/hubs/$hub/users?search=ADA"
expect 200 "list users"; [ "$(field totalCount)" = 1 ] || fail "search: $body"
conforms EndUserPage
call GET "/hubs/$hub/users/user-42"
expect 200 "get user"; [ "$(field primaryConnection.name)" = primary ] || fail "primaryConnection: $body"
conforms EndUser

step "credentials rotate under a new key, and the vault still opens"
rotated="$(CREDENTIAL_KEYS="$("$binary" credentials generate-key --version walk2),$CREDENTIAL_KEYS" "$binary" credentials rotate --batch-size 1)"
grep -q "done: 2 credentials and webhook secrets re-encrypted" <<<"$rotated" || fail "rotate: $rotated"
versions=$(psql "$DATABASE_URL" -Atc "SELECT string_agg(DISTINCT key_version, ',') FROM credentials WHERE organisation_id = '$organisation'")
[ "$versions" = walk2 ] || fail "key versions after rotation: $versions"
secrets=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM credentials WHERE public_data::text LIKE '%SECRET_%' OR encode(sealed_secrets, 'escape') LIKE '%SECRET_%'")
[ "$secrets" = 0 ] || fail "a secret is stored in clear"

step "deletes"
call DELETE "/hubs/$hub/users/user-42/connections/$connection"
expect 204 "delete connection"
call DELETE "/hubs/$hub/users/user-42"
expect 204 "delete user"
left=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM credentials WHERE organisation_id = '$organisation'")
[ "$left" = 0 ] || fail "$left credentials left behind"
[ -s "$work/server.log" ] || fail "the server wrote no log to check"
! grep -q "SECRET_" "$work/server.log" || fail "a secret reached the server log"
echo "walkthrough: ok" >&2
