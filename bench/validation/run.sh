#!/bin/sh
# Single-core cost of validating one new credential of each of the eleven types, along CreateEndUserConnection's
# path (body bytes → JSON → decode + validate with the server's OpenSSL key checks → draft), plus the OpenSSL
# checks alone. The measuring code is the CredentialValidationBenchmark suite in Tests/AppTests, skipped
# unless BENCH_VALIDATION=1. Usage: bench/validation/run.sh [seconds per measurement, default 2];
# BENCH_TYPES=certificate,jwt-bearer measures only those types (e.g. under `perf record`).
set -eu
cd "$(dirname "$0")/../.."
BENCH_VALIDATION=1 BENCH_SECONDS="${1:-2}" swift test -c release --filter CredentialValidationBenchmark 2>&1 \
    | grep -E 'ValidationBenchmark:|error|failed'
