#!/usr/bin/env bash
# ThreadSanitizer over the concurrent parts: the epoll server (HTTPServerTests) and the database pool
# (PostgresTests, against a throwaway PostgreSQL unless DATABASE_URL is set). Slow: a separate build directory
# (.build-tsan, so the normal debug build is not invalidated) and 5-15x slower tests. Part of scripts/test.sh.
#   scripts/tsan.sh [extra --filter patterns]     Env: TSAN_OPTIONS (default halt_on_error=1)
# On Linux TSan does not see Swift's Synchronization.Mutex (it waits with raw futex calls, not pthread locks) and
# reported every access it guarded as a race, so the code shares state through Locking's `Locked` (a pthread
# mutex) instead; a report now means a real race. The one Mutex left (RouteSlot) is touched by a single task.
# The server binary is built too: BINARY=.build-tsan/debug/embedded-api with checks/conformance/run.sh or
# checks/faults/*.sh runs those checks against a TSan server (its reports land in the kept server.log, KEEP_WORK=1).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/lib-postgres.sh
source scripts/lib-postgres.sh
use_throwaway_database_unless_set tsan
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}"
export SWIFT_BACKTRACE=enable=no

filters=(--filter HTTPServerTests --filter PostgresTests)
for extra in "$@"; do filters+=(--filter "$extra"); done
swift build --build-tests --sanitize=thread --scratch-path .build-tsan >&2
swift test --skip-build --sanitize=thread --scratch-path .build-tsan "${filters[@]}" 2>&1
