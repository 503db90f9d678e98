#!/usr/bin/env bash
# A private, throwaway PostgreSQL 15 cluster for embedded-api, run from Debian's binaries.
#
#   scripts/dev-db.sh start DIR   create (initdb) if needed, start, create database embedded_api, print DATABASE_URL
#   scripts/dev-db.sh stop DIR    stop the cluster (no-op when it is not running)
#   scripts/dev-db.sh url DIR     print DATABASE_URL
#   scripts/dev-db.sh status DIR
#
# Layout: DIR/data (PGDATA), DIR/socket (Unix socket), DIR/postgres.log. Only Unix-socket connections are
# accepted, with trust auth; set PGPORT_TCP=N to also listen on 127.0.0.1:N (scram password, see DIR/tcp-password).
# As root the cluster runs as the `postgres` user if it exists, else a system user `embedded-api-pg`. When that
# user cannot reach DIR (e.g. under /root) or the socket path would be too long, the cluster lives in
# /tmp/embedded-api-pg-<hash of DIR> instead; the script says so. The script is idempotent.
# Source it to get ensure_postgres_packages and the other helpers without running anything.
set -euo pipefail

# shellcheck source=scripts/lib-postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib-postgres.sh"

DEVDB_DATABASE=embedded_api

devdb_die() { echo "dev-db: $*" >&2; exit 1; }
devdb_note() { echo "dev-db: $*" >&2; }

devdb_choose_os_user() {
    if [[ "$(id -u)" -ne 0 ]]; then
        DEVDB_OS_USER="$(id -un)"
    elif id postgres >/dev/null 2>&1; then
        DEVDB_OS_USER=postgres
    else
        if ! id embedded-api-pg >/dev/null 2>&1; then
            useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin embedded-api-pg
        fi
        DEVDB_OS_USER=embedded-api-pg
    fi
}

# Sets DEVDB_HOME (where data, socket and log live) from the requested DIR.
devdb_resolve_home() {
    local requested="$1"
    mkdir -p "$requested"
    requested="$(cd "$requested" && pwd -P)"
    DEVDB_HOME="$requested"
    local relocate=""
    if [[ "$(id -u)" -eq 0 && "$DEVDB_OS_USER" != root ]] && ! runuser -u "$DEVDB_OS_USER" -- test -x "$requested"; then
        relocate="user $DEVDB_OS_USER cannot traverse $requested"
    fi
    # sun_path holds 107 bytes: DIR/socket/.s.PGSQL.NNNNN must fit.
    if (( ${#requested} + 24 > 107 )); then
        relocate="the socket path under $requested would be too long"
    fi
    if [[ -n "$relocate" ]]; then
        local hash
        hash="$(printf %s "$requested" | sha256sum | cut -c1-12)"
        DEVDB_HOME="/tmp/embedded-api-pg-$hash"
        mkdir -p "$DEVDB_HOME"
        devdb_note "$relocate: the cluster for $requested lives in $DEVDB_HOME"
    fi
    DEVDB_DATA="$DEVDB_HOME/data"
    DEVDB_SOCKET="$DEVDB_HOME/socket"
    DEVDB_LOG="$DEVDB_HOME/postgres.log"
    DEVDB_PORT="${PGPORT_TCP:-5432}"
}

# Refuses to take over a directory that holds something other than a dev-db cluster.
devdb_claim_home() {
    if [[ ! -e "$DEVDB_HOME/.dev-db" ]]; then
        if [[ -n "$(ls -A "$DEVDB_HOME")" ]]; then
            devdb_die "$DEVDB_HOME is not empty and is not a dev-db cluster; choose another directory"
        fi
        touch "$DEVDB_HOME/.dev-db"
    fi
    mkdir -p "$DEVDB_SOCKET"
    if [[ "$(id -u)" -eq 0 ]]; then
        chown "$DEVDB_OS_USER": "$DEVDB_HOME" "$DEVDB_SOCKET" "$DEVDB_HOME/.dev-db"
    fi
    # Clients of any user may reach the socket; the data directory stays 0700 (initdb's rule).
    chmod 0755 "$DEVDB_HOME" "$DEVDB_SOCKET"
}

devdb_initdb() {
    [[ -f "$DEVDB_DATA/PG_VERSION" ]] && return 0
    devdb_note "initdb in $DEVDB_DATA (user $DEVDB_OS_USER)"
    run_as_pg_user "$PG_BIN/initdb" --pgdata="$DEVDB_DATA" --encoding=UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    echo "include_if_exists = 'dev-db.conf'" | run_as_pg_user tee -a "$DEVDB_DATA/postgresql.conf" >/dev/null
}

# Rewritten on every start so PGPORT_TCP may change between runs.
devdb_write_settings() {
    local listen="''"
    [[ -n "${PGPORT_TCP:-}" ]] && listen="'127.0.0.1'"
    run_as_pg_user tee "$DEVDB_DATA/dev-db.conf" >/dev/null <<CONF
# Written by scripts/dev-db.sh on each start.
listen_addresses = $listen
port = $DEVDB_PORT
unix_socket_directories = '$DEVDB_SOCKET'
unix_socket_permissions = 0777
CONF
}

devdb_is_running() {
    run_as_pg_user "$PG_BIN/pg_ctl" status --pgdata="$DEVDB_DATA" >/dev/null 2>&1
}

# A postmaster.pid left by a crash or a container restart whose PID now belongs to something else.
devdb_clear_stale_lock() {
    local pidfile="$DEVDB_DATA/postmaster.pid"
    [[ -f "$pidfile" ]] || return 0
    local pid
    pid="$(head -n1 "$pidfile")"
    if [[ -n "$pid" && -r "/proc/$pid/comm" && "$(cat "/proc/$pid/comm")" == postgres* ]]; then
        return 0
    fi
    devdb_note "removing stale $pidfile (PID $pid is not a postgres process)"
    rm -f "$pidfile" "$DEVDB_SOCKET"/.s.PGSQL.*.lock
}

devdb_psql() {
    run_as_pg_user "$PG_BIN/psql" --no-psqlrc --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 \
        --host="$DEVDB_SOCKET" --port="$DEVDB_PORT" --username="$DEVDB_OS_USER" "$@"
}

devdb_ensure_database() {
    local exists
    exists="$(devdb_psql --dbname=postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DEVDB_DATABASE'")"
    if [[ "$exists" != 1 ]]; then
        devdb_psql --dbname=postgres -c "CREATE DATABASE $DEVDB_DATABASE" >/dev/null
    fi
}

# TCP clients need a password; it is generated once, kept in a 0600 file, and never printed.
devdb_ensure_tcp_password() {
    [[ -n "${PGPORT_TCP:-}" ]] || return 0
    local file="$DEVDB_HOME/tcp-password"
    if [[ ! -s "$file" ]]; then
        (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$file")
    fi
    devdb_psql --dbname=postgres -v pw="$(cat "$file")" >/dev/null <<'SQL'
ALTER ROLE CURRENT_USER PASSWORD :'pw';
SQL
    devdb_note "TCP on 127.0.0.1:$PGPORT_TCP, user $DEVDB_OS_USER, password in $file"
}

devdb_url() {
    local url="postgresql:///$DEVDB_DATABASE?host=$DEVDB_SOCKET&user=$DEVDB_OS_USER"
    [[ "$DEVDB_PORT" != 5432 ]] && url="$url&port=$DEVDB_PORT"
    echo "$url"
}

devdb_start() {
    postgres_binaries_present || devdb_die "PostgreSQL 15 not found in $PG_BIN (ensure_postgres_packages in scripts/lib-postgres.sh installs it)"
    devdb_claim_home
    devdb_initdb
    devdb_write_settings
    if ! devdb_is_running; then
        devdb_clear_stale_lock
        run_as_pg_user "$PG_BIN/pg_ctl" start --pgdata="$DEVDB_DATA" --log="$DEVDB_LOG" --wait --timeout=60 >/dev/null ||
            devdb_die "postgres did not start; see $DEVDB_LOG"
    fi
    devdb_ensure_database
    devdb_ensure_tcp_password
    devdb_url
}

devdb_stop() {
    [[ -f "$DEVDB_DATA/PG_VERSION" ]] || return 0
    if devdb_is_running; then
        run_as_pg_user "$PG_BIN/pg_ctl" stop --pgdata="$DEVDB_DATA" --mode=fast --wait --timeout=60 >/dev/null
    fi
}

devdb_main() {
    local command="${1:-}" dir="${2:-}"
    [[ -n "$command" && -n "$dir" ]] || devdb_die "usage: $0 start|stop|url|status DIR"
    devdb_choose_os_user
    devdb_resolve_home "$dir"
    case "$command" in
        start) devdb_start ;;
        stop) devdb_stop ;;
        url) devdb_url ;;
        status) if devdb_is_running; then echo running; else echo stopped; exit 3; fi ;;
        *) devdb_die "unknown command $command (start|stop|url|status)" ;;
    esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    devdb_main "$@"
fi
