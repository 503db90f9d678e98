#!/bin/sh
# Single-core CPU cost of validating one new credential of each of the eleven types along CreateEndUserConnection's
# path (body bytes → JSON → decode + validate with the server's OpenSSL key checks → draft), and of the OpenSSL
# checks alone. Timed in the thread's CPU time, so a busy machine does not inflate the figures.
# The measuring code is the CredentialValidationBenchmark suite in Tests/AppTests, skipped unless BENCH_VALIDATION=1.
# Usage: bench/validation/run.sh [CPU seconds per measurement, default 2]
# BENCH_TYPES=certificate,jwt-bearer measures only those types (e.g. under `perf record`).
set -eu
cd "$(dirname "$0")/../.."
BENCH_VALIDATION=1 BENCH_SECONDS="${1:-2}" swift test -c release --filter CredentialValidationBenchmark 2>&1 \
    | grep -E 'ValidationBenchmark:|error|failed'
