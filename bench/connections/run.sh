#!/usr/bin/env bash
# CreateEndUserConnection through the release server (wrk, one new connection and credential per request) against
# pgbench running the same three SQL statements (API key lookup, the create's read, its write) on the same
# database with the same concurrency: the gap is the cost of HTTP, JSON, validation, AES-GCM sealing and the
# pool above the SQL. Both sides get the same number of database connections (the server's pool is set to the
# concurrency): commits are fsync-bound, and group commit makes throughput grow with concurrent committers.
# Usage: bench/connections/run.sh [seconds per run, default 10] [concurrency list, default "8 32"]
# Needs: wrk, pgbench, curl, python3. Starts a private PostgreSQL unless DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
duration=${1:-10}
levels=${2:-"8 32"}
work=$(mktemp -d /tmp/embedded-api-bench-connections-XXXXXX)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; scripts/dev-db.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

swift build -c release --product embedded-api >&2
binary="$(swift build -c release --show-bin-path)/embedded-api"
if [ -z "${DATABASE_URL:-}" ]; then
    chmod 755 "$work"
    scripts/dev-db.sh start "$work/pg" >&2
    DATABASE_URL=$(scripts/dev-db.sh url "$work/pg")
fi
export DATABASE_URL
export CREDENTIAL_KEYS=${CREDENTIAL_KEYS:-$("$binary" credentials generate-key --version bench)}
"$binary" migrate >&2
created=$("$binary" organisations create --name bench)
org=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["organisationId"])' <<<"$created")
key=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["apiKey"])' <<<"$created")
keyhash=$(printf %s "$key" | sha256sum | cut -d' ' -f1)
start_server() {
    PORT=18090 EVENT_LOOP_THREADS=$(nproc) DATABASE_POOL_SIZE=$1 LOG_LEVEL=warning "$binary" serve &
    server=$!
    wait_http http://127.0.0.1:18090/healthz
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }
start_server 4

post() { curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' --data-binary "$2" "http://127.0.0.1:18090$1"; }
id() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
scheme='{"id":"key-header","description":"API key","schemeType":"api-key","name":"X-API-Key","in":"header"}'
connector=$(post "/o/$org/protocols/http/connectors" "{\"name\":\"bench\",\"baseUrl\":\"https://api.example.com\",\"authSchemeConfigs\":[$scheme]}" | id)
hub=$(post /hubs "{\"name\":\"bench\",\"primaryConnectorId\":\"$connector\",\"authSchemeConfig\":{\"id\":\"n\",\"description\":\"\",\"schemeType\":\"none\"}}" | id)
entry="{\"authSchemeConfig\":$scheme,\"credential\":{\"name\":\"k\",\"type\":\"string\",\"data\":{\"value\":\"s\"}}}"
declare -A users
for tool in http sql; do
    users[$tool]=$(post "/hubs/$hub/users" "{\"externalId\":\"bench-$tool\",\"primaryConnection\":{\"name\":\"p\",\"credentials\":{\"action\":[$entry]}}}" | id)
done

stop_server
echo "# CreateEndUserConnection, ${duration}s per run, $(nproc) cores shared by server, client and PostgreSQL, $(date -u +%FT%TZ)"
for c in $levels; do
    start_server "$c"
    BENCH_PATH="/hubs/$hub/users/bench-http/connections" BENCH_API_KEY=$key BENCH_CONNECTOR=$connector \
        wrk_summary "embedded-api c=$c pool=$c" -t2 -c"$c" -d"${duration}s" -s bench/connections/create_connection.lua http://127.0.0.1:18090
    stop_server
    out=$(pgbench -n -M prepared -c "$c" -j 2 -T "$duration" -D org="$org" -D hub="$hub" -D user=bench-sql \
        -D userid="${users[sql]}" -D connector="$connector" -D keyhash="$keyhash" -f bench/connections/create_connection.pgbench "$DATABASE_URL" 2>&1)
    tps=$(awk '/^tps = / {print $3; exit}' <<<"$out")
    latency=$(awk '/^latency average/ {print $4, $5}' <<<"$out")
    failed=$(awk '/number of failed transactions:/ {print $5}' <<<"$out")
    printf '%-40s %12s tx/s   avg %s  failed %s\n' "pgbench same SQL c=$c" "${tps:-?}" "${latency:-?}" "${failed:-0}"
    [ -n "$tps" ] || { echo "$out" >&2; exit 1; }
done
rows=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM connections WHERE organisation_id = '$org'")
echo "connections written: $rows"
