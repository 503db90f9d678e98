#!/usr/bin/env bash
# Fault (a): PostgreSQL stops under load. While it is down every database-backed request must answer 503 with
# Retry-After within the configured timeouts (none may hang), /healthz stays 200, and once PostgreSQL is
# back the service recovers by itself (no restart of the server).
#   checks/faults/db-outage.sh        Env: OUTAGE_SECONDS (default 8), SKIP_BUILD=1, FAULT_PORT (default 18557)
#   OUTAGE_MODE=stop (default): PostgreSQL shuts down (connections close, new ones are refused).
#   OUTAGE_MODE=freeze: every PostgreSQL process gets SIGSTOP (a hung database or a silent network partition:
#   connections stay open and nothing answers), then SIGCONT.
# Always uses its own throwaway PostgreSQL (it has to stop it).
set -euo pipefail
cd "$(dirname "$0")/../.."
unset DATABASE_URL
source checks/lib-server.sh

outage="${OUTAGE_SECONDS:-8}"
acquire_ms=500
server_build
server_database
DATABASE_ACQUIRE_TIMEOUT_MS=$acquire_ms DATABASE_CONNECT_TIMEOUT_SECONDS=1 DATABASE_STATEMENT_TIMEOUT_MS=2000 \
    DATABASE_POOL_SIZE=4 server_start "${FAULT_PORT:-18557}"
created="$("$BINARY" organisations create --name outage)"
organisation="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["organisationId"])' <<<"$created")"
api_key="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["apiKey"])' <<<"$created")"

samples="$ROBUST_WORK/samples.jsonl"
total=$((4 + outage + 12))
note "load for ${total}s: /readyz, /healthz and GET /o/<org>/hubs (authenticated) from 8 workers"
python3 checks/faults/load.py hammer --port "$SERVER_PORT" --duration "$total" --workers 8 --out "$samples" \
    --header "Authorization: Bearer $api_key" --path /readyz --path "/o/$organisation/hubs" --path /healthz &
load_pid=$!
sleep 4
# The postmaster of our own cluster and its children (never any other PostgreSQL on the machine). dev-db may
# relocate the cluster: its socket directory (host= in the URL) sits next to its data directory.
cluster_pids() {
    local socket postmaster
    socket="$(sed -n 's/.*host=\([^&]*\).*/\1/p' <<<"$DATABASE_URL")"
    postmaster="$(head -n1 "$(dirname "$socket")/data/postmaster.pid")"
    echo "$postmaster" $(pgrep -P "$postmaster")
}
mode="${OUTAGE_MODE:-stop}"
note "PostgreSQL outage ($mode) for ${outage}s"
stopping=$(date +%s.%N)
if [[ "$mode" == freeze ]]; then
    frozen="$(cluster_pids)"
    kill -STOP $frozen
else
    scripts/dev-db.sh stop "$ROBUST_DB_DIR"
fi
down=$(date +%s.%N)
sleep "$outage"
note "PostgreSQL back"
starting=$(date +%s.%N)
if [[ "$mode" == freeze ]]; then
    kill -CONT $frozen
else
    scripts/dev-db.sh start "$ROBUST_DB_DIR" >/dev/null
fi
up=$(date +%s.%N)
wait "$load_pid"

# The longest honest wait: a statement in flight when the database froze gets no answer and is given up at the
# client deadline (statement timeout 2 s + the default 1 s margin, 3.5 s measured); a request that waits for the
# pool (0.5 s) and then for one connect attempt (1 s) takes less. Plus 1.5 s of slack for a busy shared machine.
python3 checks/faults/load.py outage-report "$samples" --stopping "$stopping" --down "$down" --starting "$starting" \
    --up "$up" --limit 4.5
