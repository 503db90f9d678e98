#!/bin/sh
# Single-core throughput of the Cryptography module (seal/open of a 64-byte secret, RS256, HMAC).
# The measuring code is the CryptoBenchmark suite in Tests/CryptographyTests, skipped unless BENCH_CRYPTO=1.
# Usage: bench/crypto/run.sh [seconds per measurement, default 2]
set -eu
cd "$(dirname "$0")/../.."
BENCH_CRYPTO=1 BENCH_SECONDS="${1:-2}" swift test -c release --filter CryptoBenchmark 2>&1 | grep -E 'CryptoBenchmark:|error|failed'
