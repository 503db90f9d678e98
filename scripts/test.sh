#!/usr/bin/env bash
# Sets up and runs every test: installs what is missing, starts a throwaway PostgreSQL (unless DATABASE_URL is
# set), runs the Swift test suite and the scripted end-to-end checks, and stops the database.
# Extra arguments go to `swift test` (e.g. --sanitize=address).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-setup.sh

ensure_swift
ensure_packages postgresql python3 curl

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

say "swift test $*"
swift build --build-tests "$@" >&2
swift test --skip-build "$@" 2>&1

say "contract tests (openapi/openapi.yaml)"
python3 -c "import yaml, jsonschema, openapi_spec_validator" 2>/dev/null \
    || python3 -m pip install -q pyyaml jsonschema openapi-spec-validator >&2
python3 -m unittest discover -s tests/contract 2>&1

for check in tests/e2e/*.sh; do
    [ -e "$check" ] || continue
    say "end-to-end: $check"
    bash "$check"
done
