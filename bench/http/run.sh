#!/bin/sh
# Throughput and idle-connection memory of the HTTP server with a trivial responder.
# Usage: bench/http/run.sh [release|debug]   (needs wrk; ulimit -n must exceed 2,000)
set -eu
ulimit -n 8192 2>/dev/null || true
config="${1:-release}"
port=8089
swift build -c "$config" --build-tests
HTTP_BENCH_SECONDS=40 HTTP_BENCH_PORT=$port swift test -c "$config" --skip-build --filter benchmarkServer >/dev/null 2>&1 &
sleep 4
wrk -t2 -c64 -d5s "http://127.0.0.1:$port/healthz"
pid=$(pgrep -n -f 'embedded-apiPackageTests.xctest')
python3 "$(dirname "$0")/idle_connections.py" "$port" 2000 "$pid"
wait
