#!/usr/bin/env bash
# Helpers shared by the project's database scripts. Source it; it defines functions and runs nothing.
#   PG_BIN                   PostgreSQL 15 server binaries (Debian layout); override with PG_BIN=...
#   ensure_postgres_packages installs postgresql-15 and libpq-dev when missing (apt-get; sudo when not root)
#   postgres_binaries_present

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

postgres_binaries_present() {
    [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" && -x "$PG_BIN/psql" && -f /usr/include/postgresql/libpq-fe.h ]]
}

ensure_postgres_packages() {
    if postgres_binaries_present; then
        return 0
    fi
    local sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null || { echo "error: need root or sudo to install postgresql-15 libpq-dev" >&2; return 1; }
        sudo=(sudo)
    fi
    echo "installing postgresql-15 and libpq-dev with apt-get" >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 libpq-dev
}

# Runs a command as the cluster's OS user: through runuser when we are root, directly otherwise.
# Uses DEVDB_OS_USER (set by dev-db.sh).
run_as_pg_user() {
    if [[ "$(id -u)" -eq 0 && "$DEVDB_OS_USER" != root ]]; then
        runuser -u "$DEVDB_OS_USER" -- "$@"
    else
        "$@"
    fi
}

# Unless DATABASE_URL is set: starts a throwaway PostgreSQL under /tmp, exports its DATABASE_URL, and stops and
# removes it when the calling script exits (an EXIT trap). Run from the repository root.
#   use_throwaway_database_unless_set NAME
use_throwaway_database_unless_set() {
    [[ -n "${DATABASE_URL:-}" ]] && return 0
    THROWAWAY_DB_DIR="$(mktemp -d "/tmp/embedded-api-$1-XXXXXX")"
    chmod 755 "$THROWAWAY_DB_DIR"
    trap 'scripts/dev-db.sh stop "$THROWAWAY_DB_DIR/postgres" >/dev/null 2>&1 || true; rm -rf "$THROWAWAY_DB_DIR"' EXIT
    scripts/dev-db.sh start "$THROWAWAY_DB_DIR/postgres" >/dev/null
    DATABASE_URL="$(scripts/dev-db.sh url "$THROWAWAY_DB_DIR/postgres")"
    export DATABASE_URL
}
