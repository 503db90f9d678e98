#!/usr/bin/env bash
# Sets up and runs every test: installs what is missing, starts a throwaway PostgreSQL (unless DATABASE_URL is
# set), runs the Swift test suite and the scripted end-to-end checks, then the slow robustness checks (fault
# injection, AddressSanitizer and ThreadSanitizer runs, the fuzzers for FUZZ_SECONDS each, Schemathesis), and
# stops the database.
# Extra arguments go to `swift test` (e.g. --sanitize=address).
# Everything that needs the network is installed first; then the script runs again inside a network namespace
# with only loopback (scripts/lib-egress.sh), and every server it starts has OUTBOUND_ALLOWED_NETWORKS set to
# loopback. The first line of the run and the last say which of the two protections the run had.
# Env: TEST_QUICK=1 skips the slow robustness checks and the rolling-upgrade check (about 10 minutes);
# FUZZ_SECONDS (default 60 per target); EGRESS_ISOLATION=0 runs without the network namespace (the allow-list
# still applies).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-setup.sh
source scripts/lib-egress.sh

ensure_swift
ensure_packages postgresql python3 curl jq procps iproute2 util-linux haproxy pgbouncer
python3 -c "import yaml, jsonschema, openapi_spec_validator" 2>/dev/null \
    || python3 -m pip install -q pyyaml jsonschema openapi-spec-validator >&2
python3 -c "import openapi_python_client" 2>/dev/null || python3 -m pip install -q "openapi-python-client==0.29.1" >&2
if [ "${TEST_QUICK:-0}" != 1 ]; then
    python3 -c "import schemathesis" 2>/dev/null || python3 -m pip install -q schemathesis >&2
    python3 -c "import standardwebhooks" 2>/dev/null || python3 -m pip install -q standardwebhooks >&2
fi
# The rolling-upgrade check builds the previous release from history, which a shallow clone lacks.
if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then git fetch -q --unshallow >&2 || true; fi
egress_isolate scripts/test.sh "$@"
egress="$(egress_report)"
say "$egress"

throwaway=""
if [ -z "${DATABASE_URL:-}" ]; then
    throwaway="$(mktemp -d /tmp/embedded-api-test-XXXXXX)"
    chmod 755 "$throwaway"
    trap 'scripts/dev-db.sh stop "$throwaway/postgres" >&2 || true; rm -rf "$throwaway"' EXIT
    say "starting a throwaway PostgreSQL in $throwaway"
    scripts/dev-db.sh start "$throwaway/postgres" >&2
    DATABASE_URL="$(scripts/dev-db.sh url "$throwaway/postgres")"
    export DATABASE_URL
fi

logs="$(mktemp -d /tmp/embedded-api-test-logs-XXXXXX)"
passed=0
failed=0
failed_names=()
# count SUITE PASSED FAILED: adds one suite's figures to the totals printed last; a suite with failures is named
# again there, since CI keeps only the tail of the output.
count() {
    passed=$((passed + $2))
    failed=$((failed + $3))
    if [ "$3" -gt 0 ]; then failed_names+=("$1"); fi
    printf '%s: %s passed, %s failed\n' "$1" "$2" "$3"
}

say "swift test $*"
# Every secret the suite sends is noted here, to search a dump of the database for afterwards.
export TEST_SECRETS_FILE="$logs/secrets.ledger"
# Only read under --sanitize=address: the XCTest runner's own leaks at exit would fail the run.
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan-suppressions.txt}"
swift build --build-tests "$@" >&2
set +e
swift test --skip-build "$@" 2>&1 | tee "$logs/swift.log"
swift_status=${PIPESTATUS[0]}
set -e
swift_total=$(sed -n 's/.*Test run with \([0-9]*\) tests\{0,1\} in .*/\1/p' "$logs/swift.log" | tail -1)
swift_failed=$(grep -c '^✘ Test .*) failed after' "$logs/swift.log" || true)
count "swift test" "$(( ${swift_total:-0} - swift_failed ))" "$(( swift_status == 0 ? 0 : (swift_failed > 0 ? swift_failed : 1) ))"
while IFS= read -r line; do failed_names+=("  $line"); done \
    < <(grep -o '^✘ Test .*) failed after' "$logs/swift.log" | sed 's/ failed after$//' || true)

say "contract tests (openapi/openapi.yaml)"
set +e
python3 -m unittest discover -s checks/contract 2>&1 | tee "$logs/contract.log"
contract_status=${PIPESTATUS[0]}
set -e
contract_total=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\}.*/\1/p' "$logs/contract.log" | tail -1)
count "contract" "$(( contract_status == 0 ? ${contract_total:-0} : 0 ))" "$(( contract_status == 0 ? 0 : 1 ))"

for check in checks/e2e/*.sh checks/conformance/run.sh; do
    [ -e "$check" ] || continue
    say "end-to-end: $check"
    if bash "$check"; then count "$check" 1 0; else count "$check" 0 1; fi
done

# run_check NAME COMMAND...: one counted pass/fail check; check_passed says how it went.
run_check() {
    local name="$1"
    shift
    say "$name"
    if "$@"; then check_passed=1; count "$name" 1 0; else check_passed=0; count "$name" 0 1; fi
}

# The clients integrators generate from openapi/openapi.yaml, each taken through the README's walk-through
# (README, Generated clients; what they cost is in README, Test). Clients/Swift's packages resolve from local
# copies, so its build needs no network.
run_check "checks/clients/swift.sh" bash checks/clients/swift.sh
run_check "checks/clients/python.sh" bash checks/clients/python.sh

# After the suite: a dump of the whole database holds none of the secrets the tests stored.
secrets_at_rest() {
    pg_dump --data-only --no-owner --dbname="$DATABASE_URL" >"$logs/dump.sql" \
        && python3 checks/secrets/check_dump.py "$TEST_SECRETS_FILE" "$logs/dump.sql"
}
run_check "secrets at rest (pg_dump of the test database)" secrets_at_rest

if [ "${TEST_QUICK:-0}" = 1 ]; then
    say "TEST_QUICK=1: fault injection, fuzzing and Schemathesis skipped"
else
    # Fault injection (~3 min). db-outage always runs on a PostgreSQL of its own (it stops or freezes it).
    run_check "checks/faults/db-outage.sh (stop)" env OUTAGE_MODE=stop bash checks/faults/db-outage.sh
    run_check "checks/faults/db-outage.sh (freeze)" env OUTAGE_MODE=freeze bash checks/faults/db-outage.sh
    run_check "checks/faults/kill-under-create.sh" bash checks/faults/kill-under-create.sh
    run_check "checks/faults/webhook-kill.sh" bash checks/faults/webhook-kill.sh
    run_check "checks/faults/slow-clients.sh" bash checks/faults/slow-clients.sh
    run_check "checks/faults/body-flood.sh" bash checks/faults/body-flood.sh

    # Rolling upgrade (docs/upgrades.md): the previous release, built once into .build-previous/, serves while this
    # tree's migrate applies the newest migrations (a debug build of one executable on a clean clone, then ~25 s).
    run_check "checks/upgrade/rolling.sh" bash checks/upgrade/rolling.sh
    # Two instances behind HAProxy under a mixed load, then the invariants in the database (~1 min each), once
    # straight to PostgreSQL and once through PgBouncer in transaction mode; each on a database of its own (the
    # run rotates every credential there).
    run_check "checks/scale/run.sh" env -u DATABASE_URL bash checks/scale/run.sh
    run_check "checks/scale/run.sh (PgBouncer)" env -u DATABASE_URL SCALE_POOLER=pgbouncer bash checks/scale/run.sh

    # Sanitizers, each in a build directory of its own (.build-asan, .build-tsan; figures in README.md's Test
    # section): AddressSanitizer over the HTTP1, HTTPServer, Postgres and App suites, ThreadSanitizer over the
    # HTTPServer and Postgres suites.
    # Each on a fresh database of its own: the suite's database holds thousands of credentials by now, under keys
    # the rotation tests' rings lack, and every rotation walks them all.
    run_check "scripts/asan.sh (AddressSanitizer)" env -u DATABASE_URL bash scripts/asan.sh
    run_check "scripts/tsan.sh (ThreadSanitizer)" env -u DATABASE_URL bash scripts/tsan.sh

    # Fuzzing (~1 min to build, FUZZ_SECONDS per target). A crash fails its target; the input stays in
    # fuzz-artifacts/<target>/ and is printed in base64.
    fuzz_targets=(request_parser chunked_decoder connection_body gzip_inflate)
    run_check "fuzz/build.sh" bash fuzz/build.sh "${fuzz_targets[@]}"
    if [ "$check_passed" = 1 ]; then
        for target in "${fuzz_targets[@]}"; do
            run_check "fuzz: $target (${FUZZ_SECONDS:-60}s)" env SKIP_BUILD=1 bash fuzz/run.sh "$target"
        done
    fi

    # Schemathesis against the running server (~4.5 min: ST_MAX_TIME 240 s plus start-up).
    run_check "checks/contract/schemathesis.sh" env ST_REPORT_DIR="$logs/schemathesis" bash checks/contract/schemathesis.sh
    # And driven by the reference's own Embedded API file (~2.5 min): no answer may violate its schemas.
    run_check "checks/contract/schemathesis.sh (reference's embedded-api-v1.yaml)" \
        env ST_SPEC=openapi/reference/versori/embedded-api-v1.yaml ST_MAX_TIME=120 \
        ST_REPORT_DIR="$logs/schemathesis-reference" bash checks/contract/schemathesis.sh
fi

echo "$egress"
for name in "${failed_names[@]}"; do echo "failed: $name"; done
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
