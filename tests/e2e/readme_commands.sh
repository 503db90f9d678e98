#!/usr/bin/env bash
# Runs the README's walk-through block, exactly as written, against the real binary and a throwaway database.
# Each command in it checks its own answer (curl --fail-with-body, jq -e), so any drift fails here.
set -euo pipefail
cd "$(dirname "$0")/../.."

work="$(mktemp -d /tmp/embedded-api-readme-XXXXXX)"
chmod 755 "$work"
server=""
cleanup() {
    [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    [ -d "$work/postgres" ] && scripts/dev-db.sh stop "$work/postgres" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

block=$(sed -n '/<!-- walkthrough:start -->/,/<!-- walkthrough:end -->/p' README.md | sed '1,2d;$d' | sed '$d')
[ -n "$block" ] || { echo "readme_commands: no walkthrough block in README.md" >&2; exit 1; }

swift build --product embedded-api >&2
binary="$(swift build --show-bin-path)/embedded-api"
scripts/dev-db.sh start "$work/postgres" >&2
DATABASE_URL="$(scripts/dev-db.sh url "$work/postgres")"
CREDENTIAL_KEYS="$("$binary" credentials generate-key --version readme)"
export DATABASE_URL CREDENTIAL_KEYS
"$binary" migrate >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PORT=$port "$binary" serve 2>"$work/server.log" &
server=$!
for _ in $(seq 1 200); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; sleep 0.05; done

created="$("$binary" organisations create --name "Readme")"
API_KEY=$(jq -r .apiKey <<<"$created")
ORG=$(jq -r .organisationId <<<"$created")
BASE="http://127.0.0.1:$port"
export API_KEY ORG BASE
if bash -euo pipefail -c "$block" >"$work/output" 2>&1; then
    echo "readme_commands: ok ($(grep -c '^true$' "$work/output") checks true)" >&2
else
    cat "$work/output" >&2
    echo "readme_commands: FAILED" >&2
    exit 1
fi
