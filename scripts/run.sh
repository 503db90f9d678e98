#!/usr/bin/env bash
# Sets up and runs the server. With DATABASE_URL unset it starts a private PostgreSQL under .data/ (Unix socket
# only), makes a development credential key and organisation there, applies migrations and serves on
# 127.0.0.1:8080 (HOST/PORT override). Ctrl-C stops the server and that database.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-setup.sh

ensure_swift
if [ -z "${DATABASE_URL:-}" ]; then ensure_packages postgresql curl jq; else ensure_packages curl jq; fi

say "building (release)"
swift build -c release --product embedded-api >&2
binary="$(swift build -c release --show-bin-path)/embedded-api"

data="$PWD/.data"
mkdir -p "$data"
chmod 700 "$data"
private_database=false
if [ -z "${DATABASE_URL:-}" ]; then
    say "starting the private PostgreSQL in .data/postgres"
    scripts/dev-db.sh start "$data/postgres" >&2
    DATABASE_URL="$(scripts/dev-db.sh url "$data/postgres")"
    export DATABASE_URL
    private_database=true
fi

if [ -z "${CREDENTIAL_KEYS:-}" ]; then
    if [ ! -s "$data/credential-keys" ]; then
        (umask 077 && "$binary" credentials generate-key --version dev1 > "$data/credential-keys")
    fi
    CREDENTIAL_KEYS="$(cat "$data/credential-keys")"
    export CREDENTIAL_KEYS
    printf '\033[1;33m!! CREDENTIAL_KEYS is unset: using the DEVELOPMENT key in .data/credential-keys.\n' >&2
    printf '!! Never use it in production; set CREDENTIAL_KEYS (see README, Configuration).\033[0m\n' >&2
fi

"$binary" migrate >&2

if $private_database && [ ! -s "$data/dev-organisation.json" ]; then
    say "making a development organisation (its API key is kept in .data/dev-organisation.json)"
    (umask 077 && "$binary" organisations create --name "Development" > "$data/dev-organisation.json")
fi

cleanup() {
    if $private_database; then scripts/dev-db.sh stop "$data/postgres" >&2 || true; fi
}
trap cleanup EXIT

host="${HOST:-127.0.0.1}"
port="${PORT:-8080}"
say "serving on http://$host:$port — try:"
echo "    curl -i http://$host:$port/healthz" >&2
if [ -s "$data/dev-organisation.json" ] && $private_database; then
    api_key="$(sed -n 's/.*"apiKey" *: *"\([^"]*\)".*/\1/p' "$data/dev-organisation.json")"
    organisation="$(sed -n 's/.*"organisationId" *: *"\([^"]*\)".*/\1/p' "$data/dev-organisation.json")"
    echo "    export API_KEY=$api_key ORG=$organisation" >&2
    echo "    curl -s -H \"Authorization: Bearer \$API_KEY\" http://$host:$port/o/\$ORG/hubs" >&2
fi
# Not exec: the trap must stop the database after the server exits on Ctrl-C.
"$binary" serve &
server=$!
trap 'kill -TERM $server 2>/dev/null || true' INT TERM
wait $server || true
wait $server 2>/dev/null || true
