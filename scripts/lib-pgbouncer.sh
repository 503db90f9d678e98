# PgBouncer in transaction mode in front of a scripts/dev-db.sh cluster, for checks/scale/run.sh and bench/run.
# Source it; it defines functions and runs nothing.
#   pgbouncer_start DIR PORT DIRECT_URL [POOL_SIZE]: starts PgBouncer (`pgbouncer`, Debian's) listening on
#     127.0.0.1:PORT with its files in DIR, every server connection to the cluster of DIRECT_URL (a dev-db.sh URL:
#     a Unix socket, user postgres); waits until it listens. Sets PGBOUNCER_PID and PGBOUNCER_URL. PgBouncer
#     refuses to run as root: as root it runs as the owner of the cluster's socket directory.
#   pgbouncer_stop: stops the PgBouncer pgbouncer_start started.

pgbouncer_start() {
    local dir="$1" port="$2" direct="$3" pool="${4:-20}" socket_dir owner
    socket_dir="$(sed -n 's/.*host=\([^&]*\).*/\1/p' <<<"$direct")"
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
embedded_api = host=$socket_dir dbname=embedded_api user=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/pgbouncer-users.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = $pool
INI
    echo '"postgres" ""' >"$dir/pgbouncer-users.txt"
    chmod 644 "$dir/pgbouncer.ini" "$dir/pgbouncer-users.txt"
    if [[ "$(id -u)" -eq 0 ]]; then
        owner="$(stat -c %U "$socket_dir")"
        setpriv --reuid="$owner" --regid="$(id -g "$owner")" --clear-groups \
            pgbouncer "$dir/pgbouncer.ini" >>"$dir/pgbouncer.log" 2>&1 &
    else
        pgbouncer "$dir/pgbouncer.ini" >>"$dir/pgbouncer.log" 2>&1 &
    fi
    PGBOUNCER_PID=$!
    PGBOUNCER_URL="postgresql://postgres@127.0.0.1:$port/embedded_api"
    for _ in $(seq 1 100); do
        psql "$PGBOUNCER_URL" -X -q -t -c 'SELECT 1' >/dev/null 2>&1 && return 0
        kill -0 "$PGBOUNCER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "pgbouncer did not start; its log:" >&2
    tail -20 "$dir/pgbouncer.log" >&2
    return 1
}

pgbouncer_stop() {
    [[ -n "${PGBOUNCER_PID:-}" ]] || return 0
    kill "$PGBOUNCER_PID" 2>/dev/null || true
    wait "$PGBOUNCER_PID" 2>/dev/null || true
    PGBOUNCER_PID=""
}
