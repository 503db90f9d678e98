#!/usr/bin/env bash
# Property-based contract test: Schemathesis generates requests from openapi/openapi.yaml and checks every
# answer of the running server against it (no 5xx, response bodies match their schemas).
# Starts a throwaway PostgreSQL (unless DATABASE_URL is set) and the server, makes an organisation and its
# API key, runs Schemathesis, stops everything.
#   tests/contract/schemathesis.sh [extra schemathesis options, e.g. --include-path-regex '^/hubs']
# Env: ST_EXAMPLES (max examples per operation, default 25), ST_MAX_TIME (seconds, default 240),
#      ST_CHECKS (default not_a_server_error,response_schema_conformance), ST_SEED (default 1),
#      ST_REPORT_DIR (JUnit + NDJSON reports; default a kept directory printed at the end),
#      SKIP_BUILD=1, CONTRACT_PORT (default 18556).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/faults/lib-server.sh

if ! command -v schemathesis >/dev/null 2>&1; then
    note "installing schemathesis"
    python3 -m pip install -q schemathesis >&2
fi

server_build
server_database
server_start "${CONTRACT_PORT:-18556}"
api_key="$(new_api_key schemathesis)"
report="${ST_REPORT_DIR:-$(mktemp -d /tmp/embedded-api-schemathesis-XXXXXX)}"

note "schemathesis $(schemathesis --version | awk '{print $NF}') against port $SERVER_PORT; report in $report"
status=0
schemathesis run openapi/openapi.yaml \
    --url "http://127.0.0.1:$SERVER_PORT" \
    -H "Authorization: Bearer $api_key" \
    --checks "${ST_CHECKS:-not_a_server_error,response_schema_conformance}" \
    --max-examples "${ST_EXAMPLES:-25}" \
    --max-time "${ST_MAX_TIME:-240}" \
    --seed "${ST_SEED:-1}" \
    --workers 2 \
    --request-timeout 10 \
    --generation-database none \
    --suppress-health-check all \
    --no-color \
    --report junit,ndjson --report-dir "$report" \
    "$@" || status=$?

if grep -q "panicked\|Fatal error" "$ROBUST_WORK/server.log"; then
    note "the server crashed during the run:"
    grep -m5 "panicked\|Fatal error" "$ROBUST_WORK/server.log" >&2
    status=1
fi
exit "$status"
