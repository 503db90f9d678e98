#!/usr/bin/env bash
# Builds the server, starts it on a throwaway PostgreSQL (or on $DATABASE_URL when set) with short timeouts,
# runs the HTTP/1.1 conformance corpus against it, and stops everything it started.
#   checks/conformance/run.sh [run.py options, e.g. --only te-and-cl -v]
# Env: CONFORMANCE_PORT (default 18555), SKIP_BUILD=1 to use the existing .build/debug/embedded-api.
set -euo pipefail
cd "$(dirname "$0")/../.."
source checks/lib-server.sh

port="${CONFORMANCE_PORT:-18555}"
header_ms=1000
body_ms=1000

server_build
server_database
HEADER_READ_TIMEOUT_MS=$header_ms BODY_READ_TIMEOUT_MS=$body_ms IDLE_TIMEOUT_MS=5000 server_start "$port"
port="$SERVER_PORT"

python3 checks/conformance/run.py --port "$port" --header-timeout-ms $header_ms --body-timeout-ms $body_ms "$@"
