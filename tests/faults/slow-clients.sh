#!/usr/bin/env bash
# Fault (c): 1,000 clients trickling header bytes (slowloris) while normal requests keep being served: prints
# p50/p99 of GET /healthz without and with them; fails when p99 grows beyond max(10 x baseline, 50 ms) or any
# request fails. The server runs with its default header timeout (10 s) so slow clients are cut off and replaced
# during the run.
#   tests/faults/slow-clients.sh     Env: SLOW_CLIENTS (default 1000), SKIP_BUILD=1, FAULT_PORT (default 18558)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib-server.sh

ulimit -n 8192 2>/dev/null || true  # 1,000 slow clients need as many descriptors on both sides
server_build
server_database
HEADER_READ_TIMEOUT_MS="${HEADER_READ_TIMEOUT_MS:-10000}" server_start "${FAULT_PORT:-18558}"
python3 tests/faults/slowloris.py --port "$SERVER_PORT" --clients "${SLOW_CLIENTS:-1000}"
