# Shared by checks/conformance/run.sh, checks/faults/*.sh, checks/contract/schemathesis.sh and checks/e2e/*.sh (sourced, not run):
# build the server, start a throwaway PostgreSQL and the server, and stop exactly what was started on exit.
# Everything lives in $ROBUST_WORK (a fresh temporary directory); the server log is $ROBUST_WORK/server.log.
# Servers started here reach nothing beyond loopback: OUTBOUND_ALLOWED_NETWORKS is loopback, and a script run on
# its own goes on inside a loopback-only network namespace where the machine allows it (scripts/lib-egress.sh), so
# whatever it needs from the network must be installed before it sources this file.

source scripts/lib-egress.sh
egress_isolate "$0" "$@"

ROBUST_WORK="$(mktemp -d /tmp/embedded-api-robust-XXXXXX)"
chmod 755 "$ROBUST_WORK"
ROBUST_DB_DIR=""
SERVER_PID=""
SERVER_PORT=""
BINARY="${BINARY:-.build/debug/embedded-api}"

note() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
note "$(egress_report)"

robust_cleanup() {
    local job
    for job in $(jobs -p); do [[ "$job" == "$SERVER_PID" ]] || kill "$job" 2>/dev/null || true; done
    server_stop
    if [[ -n "$ROBUST_DB_DIR" ]]; then scripts/dev-db.sh stop "$ROBUST_DB_DIR" >/dev/null 2>&1 || true; fi
    if [[ "${KEEP_WORK:-0}" == 1 ]]; then note "kept $ROBUST_WORK"; else rm -rf "$ROBUST_WORK"; fi
}
trap robust_cleanup EXIT

server_build() {
    [[ "${SKIP_BUILD:-0}" == 1 && -x "$BINARY" ]] && return 0
    note "swift build"
    swift build --product embedded-api >&2
}

# A throwaway cluster unless DATABASE_URL is already set; exports DATABASE_URL either way.
server_database() {
    if [[ -z "${DATABASE_URL:-}" ]]; then
        ROBUST_DB_DIR="$ROBUST_WORK/postgres"
        scripts/dev-db.sh start "$ROBUST_DB_DIR" >/dev/null
        DATABASE_URL="$(scripts/dev-db.sh url "$ROBUST_DB_DIR")"
    fi
    export DATABASE_URL
    if [[ -z "${CREDENTIAL_KEYS:-}" ]]; then CREDENTIAL_KEYS="$("$BINARY" credentials generate-key)"; fi
    export CREDENTIAL_KEYS
}

# A free TCP port: $1 when it is free, else one the kernel picks.
free_port() {
    python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT does not make it busy
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# server_start PORT [exact]: starts the server with the caller's environment and waits for /healthz. PORT is
# replaced by a free one when busy, unless `exact` (a restart on the same port).
server_start() {
    if [[ "${2:-}" == exact ]]; then SERVER_PORT="$1"; else SERVER_PORT="$(free_port "$1")"; fi
    PORT="$SERVER_PORT" LOG_LEVEL="${LOG_LEVEL:-warning}" "$BINARY" serve >>"$ROBUST_WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$SERVER_PORT/healthz" 2>/dev/null; then
            note "server pid $SERVER_PID on port $SERVER_PORT"
            return 0
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            tail -20 "$ROBUST_WORK/server.log" >&2
            SERVER_PID=""
            echo "server exited during start" >&2
            return 1
        fi
        sleep 0.2
    done
    echo "server did not answer /healthz within 60 s" >&2
    return 1
}

# server_stop [SIGNAL]: stops the server this script started (SIGTERM unless told), waiting for it to exit.
server_stop() {
    [[ -n "$SERVER_PID" ]] || return 0
    kill "-${1:-TERM}" "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

# Prints the API key of a new organisation (needs the tenancy commands).
new_api_key() {
    "$BINARY" organisations create --name "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["apiKey"])'
}

# server_post PATH BODY: POSTs BODY with $api_key to the running server; prints the created resource's id, fails
# unless 201.
server_post() {
    local out status
    out="$ROBUST_WORK/post.json"
    status="$(curl -sS -o "$out" -w '%{http_code}' -X POST -H "Authorization: Bearer $api_key" \
        -H 'Content-Type: application/json' --data-binary "$2" "http://127.0.0.1:$SERVER_PORT$1")"
    [[ "$status" == 201 ]] || { echo "POST $1: $status $(cat "$out")" >&2; return 1; }
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$out"
}

# make_tenant NAME EXTERNAL_ID: a new organisation with an API-key connector, a hub and one end user with a
# string credential; sets organisation, api_key, scheme, connector, hub and user (the end user's id).
make_tenant() {
    local created primary
    created="$("$BINARY" organisations create --name "$1")"
    organisation="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["organisationId"])' <<<"$created")"
    api_key="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["apiKey"])' <<<"$created")"
    scheme='{"id":"key-header","description":"API key","schemeType":"api-key","name":"X-API-Key","in":"header"}'
    connector="$(server_post "/o/$organisation/protocols/http/connectors" \
        "{\"name\":\"Acme\",\"baseUrl\":\"https://api.acme.example\",\"authSchemeConfigs\":[$scheme]}")"
    hub="$(server_post /hubs "{\"name\":\"$1 hub\",\"primaryConnectorId\":\"$connector\",\"authSchemeConfig\":{\"id\":\"none\",\"description\":\"\",\"schemeType\":\"none\"}}")"
    primary="{\"authSchemeConfig\":$scheme,\"credential\":{\"name\":\"primary\",\"type\":\"string\",\"data\":{\"value\":\"p\"}}}"
    user="$(server_post "/hubs/$hub/users" "{\"externalId\":\"$2\",\"displayName\":\"K\",\"primaryConnection\":{\"name\":\"primary\",\"credentials\":{\"action\":[$primary],\"trigger\":[]}}}")"
}
