#!/usr/bin/env bash
# Fault (c): 1,000 slow clients (slowloris-style: 500 trickling request heads, 500 trickling the body of an
# authenticated CreateEndUser) while a normal client times GET /healthz and GetEndUser on fresh connections.
# Prints p50/p99/max of both without and with the slow clients and each p99's ratio to its unloaded figure
# (target: within 2 x). A benchmark: it fails only when a loaded p99 exceeds max(10 x unloaded, 50 ms), a request
# of the normal client fails, the slow clients cannot be held, or the server dies. The server runs with its
# default header timeout (10 s), so head tricklers are cut off and replaced during the run.
#   checks/faults/slow-clients.sh     Env: SLOW_CLIENTS (default 1000), SKIP_BUILD=1, FAULT_PORT (default 18558)
set -euo pipefail
cd "$(dirname "$0")/../.."
source checks/lib-server.sh

ulimit -n 8192 2>/dev/null || true  # 1,000 slow clients need as many descriptors on both sides
server_build
server_database
HEADER_READ_TIMEOUT_MS="${HEADER_READ_TIMEOUT_MS:-10000}" server_start "${FAULT_PORT:-18558}"
make_tenant slow slow-user
status=0
python3 checks/faults/slowloris.py --port "$SERVER_PORT" --clients "${SLOW_CLIENTS:-1000}" \
    --api-key "$api_key" --hub "$hub" --user slow-user || status=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    tail -20 "$ROBUST_WORK/server.log" >&2
    echo "FAIL: the server died under the slow clients" >&2
    exit 1
fi
exit "$status"
