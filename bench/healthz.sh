#!/usr/bin/env bash
# /healthz against nginx and the idle-connection memory only: bench/run with those sections.
# Usage: bench/healthz.sh [seconds per run, default 10]
exec env BENCH_SECTIONS="${BENCH_SECTIONS:-startup memory healthz}" "$(dirname "$0")/run" "$@"
