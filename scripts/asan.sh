#!/usr/bin/env bash
# AddressSanitizer (with LeakSanitizer) over the suites that handle raw memory: the HTTP/1.1 parser (HTTP1Tests),
# the trace context parser (TraceContextTests), the epoll server (HTTPServerTests), libpq (PostgresTests) and the
# whole app over real sockets and a real database (AppTests), against a throwaway PostgreSQL unless DATABASE_URL is
# set. A separate build directory (.build-asan, so the normal debug build is not invalidated); tests run about 2-3x
# slower.
#   scripts/asan.sh [extra --filter patterns]     Env: ASAN_OPTIONS, LSAN_OPTIONS
# The server binary is built too: BINARY=.build-asan/debug/embedded-api with checks/faults/*.sh runs those
# checks against an ASan server.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/lib-postgres.sh
source scripts/lib-postgres.sh
use_throwaway_database_unless_set asan
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1 detect_stack_use_after_return=0}"
# The XCTest runner (started by swift test even with no XCTest tests) leaks its suite objects at exit.
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan-suppressions.txt}"
export SWIFT_BACKTRACE=enable=no

filters=(--filter HTTP1Tests --filter TraceContextTests --filter HTTPServerTests --filter PostgresTests --filter AppTests)
for extra in "$@"; do filters+=(--filter "$extra"); done
swift build --build-tests --sanitize=address --scratch-path .build-asan >&2
swift test --skip-build --sanitize=address --scratch-path .build-asan "${filters[@]}" 2>&1
