#!/usr/bin/env bash
# Runs the README's walk-through block, exactly as written, against the real binary and a throwaway database.
# Each command in it checks its own answer (curl --fail-with-body, jq -e), so any drift fails here.
set -euo pipefail
cd "$(dirname "$0")/../.."

block=$(sed -n '/<!-- walkthrough:start -->/,/<!-- walkthrough:end -->/p' README.md | sed '1,2d;$d' | sed '$d')
[ -n "$block" ] || { echo "readme_commands: no walkthrough block in README.md" >&2; exit 1; }

# A throwaway database, as a newcomer starting from nothing has.
unset DATABASE_URL CREDENTIAL_KEYS
source checks/lib-server.sh
server_build
server_database
server_start 18600

created="$("$BINARY" organisations create --name "Readme")"
API_KEY=$(jq -r .apiKey <<<"$created")
ORG=$(jq -r .organisationId <<<"$created")
BASE="http://127.0.0.1:$SERVER_PORT"
export API_KEY ORG BASE
work=$ROBUST_WORK
if bash -euo pipefail -c "$block" >"$work/output" 2>&1; then
    echo "readme_commands: ok ($(grep -c '^true$' "$work/output") checks true)" >&2
else
    cat "$work/output" >&2
    echo "readme_commands: FAILED" >&2
    exit 1
fi
