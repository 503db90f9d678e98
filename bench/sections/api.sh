# Sourced by bench/run: GetEndUser, ListEndUserConnections and CreateEndUserConnection through the server (wrk)
# against pgbench sending the same SQL: the statements the server sent for one request of each kind, captured
# from PostgreSQL's statement log (bench/tools/pgbench_script.py), including the API-key lookup.
ensure_server
[ -n "${BENCH_HUB:-}" ] || source bench/sections/seed.sh

pglog="$BENCH_WORK/pg/postgres.log"
set_statement_log() {
    if [ "$1" = on ]; then
        psql -X -q -c "ALTER SYSTEM SET log_statement = 'all'" -c "ALTER SYSTEM SET log_line_prefix = '@@@ %p '"
    else
        psql -X -q -c "ALTER SYSTEM RESET log_statement" -c "ALTER SYSTEM RESET log_line_prefix"
    fi
    psql -X -q -At -c "SELECT pg_reload_conf()" >/dev/null
    sleep 0.3
}
# capture NAME METHOD PATH [BODY]: one request (after a warm-up one), its statements as BENCH_WORK/NAME.sql.
capture() {
    local name=$1 method=$2 path=$3 body=${4:-} offset known
    if [ "$method" = GET ]; then api GET "$path" >/dev/null; fi
    # Ids that exist before the request stay literal; ids the request makes become unique per transaction.
    known=$(psql -X -At -c "SELECT id FROM organisations UNION ALL SELECT id FROM api_keys UNION ALL SELECT id FROM hubs
                            UNION ALL SELECT id FROM connectors UNION ALL SELECT id FROM credentials")
    sleep 0.2
    offset=$(stat -c %s "$pglog")
    api "$method" "$path" "$body" >/dev/null
    sleep 0.3
    # shellcheck disable=SC2086
    python3 bench/tools/pgbench_script.py "$pglog" "$offset" 1 $known >"$BENCH_WORK/$name.sql"
    echo "    $name: $(grep -c ';$' "$BENCH_WORK/$name.sql") statements captured"
}
say "capturing the SQL of one request of each kind"
set_statement_log on
users=/hubs/$BENCH_HUB/users
capture get_end_user GET "$users/user-00001"
capture list_connections GET "$users/user-00001/connections"
capture create_connection POST "$users/user-00001/connections" "$BENCH_BODY"
set_statement_log off
cp "$BENCH_WORK"/{get_end_user,list_connections,create_connection}.sql bench/results/ 2>/dev/null || true

# settle: vacuum and checkpoint, so neither side inherits the other's dead rows, pending autovacuum or dirty pages.
settle() { psql -X -q -c "VACUUM ANALYZE" -c "CHECKPOINT"; }

# compare NAME LUA TARGET_RATIO [P99_FACTOR]
compare() {
    local name=$1 lua=$2 target=$3 p99_factor=${4:-}
    say "$name"
    for c in $BENCH_CONCURRENCY; do
        settle
        pgbench_measure "pgbench same SQL c=$c" -c "$c" -j 2 -T "$BENCH_SECONDS" -D users="$BENCH_USERS" \
            -f "$BENCH_WORK/$name.sql"
        local pg_rps=$RPS pg_p99=$P99
        settle
        wrk_measure "embedded-api     c=$c" -t2 -c"$c" -d"${BENCH_SECONDS}s" -s "bench/wrk/$lua" "http://127.0.0.1:$BENCH_PORT"
        echo "    server RSS $(rss_mib "$SERVER_PID") MiB"
        verdict "$name c=$c throughput / pgbench" "$(ratio "$RPS" "$pg_rps")" ">=" "$target"
        [ -z "$p99_factor" ] || verdict "$name c=$c p99 / pgbench p99" "$(ratio "$P99" "$pg_p99")" "<=" "$p99_factor"
    done
}
export BENCH_USERS
for operation in ${BENCH_OPERATIONS:-get_end_user list_connections create_connection}; do
    case $operation in
        get_end_user) compare get_end_user get_end_user.lua 0.8 ;;
        list_connections) compare list_connections list_connections.lua 0.8 ;;
        create_connection) compare create_connection create_connection.lua 0.9 2 ;;
    esac
done
