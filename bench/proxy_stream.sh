#!/usr/bin/env bash
# The proxy's streaming check alone: bench/run with only the proxy section (bench/sections/proxy.sh) and 10 end
# users seeded instead of 10,000. Usage: bench/proxy_stream.sh [seconds per wrk run, default 10]
cd "$(dirname "$0")/.." && BENCH_SECTIONS=proxy BENCH_USERS=${BENCH_USERS:-10} exec bench/run "$@"
