#!/usr/bin/env bash
# Two server instances on one PostgreSQL behind HAProxy (round robin, health-checked on /readyz), driven by a
# concurrent mixed load, then every invariant checked in the database (checks/scale/scale.py says which).
# SCALE_POOLER=pgbouncer runs both instances through one PgBouncer in transaction mode
# (DATABASE_POOLER=pgbouncer-transaction), their LISTEN connections straight to PostgreSQL (DATABASE_LISTEN_URL).
#   checks/scale/run.sh   Env: SKIP_BUILD=1, SCALE_POOLER=none|pgbouncer, SCALE_SECONDS (load, default 20),
#                         SCALE_PORT (first of four ports, default 18621)
set -euo pipefail
cd "$(dirname "$0")/../.."
source checks/lib-server.sh

pooler="${SCALE_POOLER:-none}"
server_build
server_database
direct_url="$DATABASE_URL"
base="${SCALE_PORT:-18621}"
pids=()
scale_cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap 'scale_cleanup; robust_cleanup' EXIT

# wait_port PORT NAME PID: until something listens on PORT, at most 30 s, or PID exits.
wait_port() {
    for _ in $(seq 1 300); do
        if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1" \
            2>/dev/null; then return 0; fi
        kill -0 "$3" 2>/dev/null || { echo "$2 exited during start" >&2; return 1; }
        sleep 0.1
    done
    echo "$2 did not listen on $1 within 30 s" >&2
    return 1
}

if [[ "$pooler" == pgbouncer ]]; then
    source scripts/lib-pgbouncer.sh
    pgbouncer_start "$ROBUST_WORK" "$(free_port $((base + 3)))" "$direct_url" 12
    pids+=("$PGBOUNCER_PID")
    note "$(pgbouncer --version | head -1) in transaction mode: $PGBOUNCER_URL"
    export DATABASE_URL="$PGBOUNCER_URL" DATABASE_POOLER=pgbouncer-transaction DATABASE_LISTEN_URL="$direct_url"
fi

# Migrations once, before either instance starts (two instances migrating at once is the upgrade check's).
"$BINARY" migrate >&2
export MIGRATE_ON_START=false LOG_LEVEL=warning OUTBOUND_ALLOW_PRIVATE_NETWORKS=true API_KEY_CACHE_SECONDS=3600 \
    TOKEN_REFRESH_INTERVAL_MS=100 WEBHOOK_POLL_MS=100 WEBHOOK_LEASE_MS=5000 DATABASE_POOL_SIZE=6
instances=()
for index in 0 1; do
    port="$(free_port $((base + 1 + index)))"
    PORT="$port" "$BINARY" serve >>"$ROBUST_WORK/server-$index.log" 2>&1 &
    pids+=($!)
    wait_port "$port" "instance $index" "${pids[-1]}" || { tail -20 "$ROBUST_WORK/server-$index.log" >&2; exit 1; }
    instances+=("$port")
done

balancer="$(free_port "$base")"
cat >"$ROBUST_WORK/haproxy.cfg" <<EOF
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
frontend api
    bind 127.0.0.1:$balancer
    default_backend instances
backend instances
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    server a 127.0.0.1:${instances[0]} check inter 500ms
    server b 127.0.0.1:${instances[1]} check inter 500ms
EOF
haproxy -q -db -f "$ROBUST_WORK/haproxy.cfg" >>"$ROBUST_WORK/haproxy.log" 2>&1 &
pids+=($!)
wait_port "$balancer" haproxy "${pids[-1]}"
# Both instances up in HAProxy's eyes (its first health checks) before the load.
for _ in $(seq 1 50); do
    curl -fsS -o /dev/null "http://127.0.0.1:$balancer/readyz" && curl -fsS -o /dev/null "http://127.0.0.1:$balancer/readyz" && break
    sleep 0.2
done
note "haproxy $(haproxy -v | head -1 | cut -d' ' -f3) on $balancer, instances on ${instances[*]} (pooler: $pooler)"

created="$("$BINARY" organisations create --name scale)"
organisation="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["organisationId"])' <<<"$created")"
api_key="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["apiKey"])' <<<"$created")"
status=0
python3 checks/scale/scale.py --balancer "$balancer" --instance "${instances[0]}" --instance "${instances[1]}" \
    --api-key "$api_key" --organisation "$organisation" --binary "$BINARY" --seconds "${SCALE_SECONDS:-20}" --pooler "$pooler" \
    --direct-database-url "$direct_url" --operator-database-url "$DATABASE_URL" || status=$?
for index in 0 1; do
    if grep -qiE 'error|critical|fatal' "$ROBUST_WORK/server-$index.log"; then
        echo "instance $index logged errors:" >&2
        grep -iE 'error|critical|fatal' "$ROBUST_WORK/server-$index.log" | head -10 >&2
        status=1
    fi
done
echo "scale ($pooler): $([[ $status == 0 ]] && echo passed || echo FAILED)"
exit "$status"
