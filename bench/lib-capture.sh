# Sourced by the API sections (bench/sections/api.sh, activations.sh): capturing the SQL the server sends for one
# request as a pgbench script, and measuring the server (wrk) against pgbench running that SQL. Needs `api`
# (bench/sections/seed.sh) and the server.
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
# settle: vacuum and checkpoint, so neither side inherits the other's dead rows, pending autovacuum or dirty pages.
# BENCH_SETTLE_SQL, when set, runs first (a section's clean-up of what the previous measurement wrote).
settle() {
    [ -z "${BENCH_SETTLE_SQL:-}" ] || psql -X -q -c "$BENCH_SETTLE_SQL"
    psql -X -q -c "VACUUM ANALYZE" -c "CHECKPOINT"
}

# compare NAME LUA TARGET_RATIO [P99_FACTOR]
compare() {
    local name=$1 lua=$2 target=$3 p99_factor=${4:-}
    say "$name"
    for c in $BENCH_CONCURRENCY; do
        settle
        pgbench_measure "pgbench same SQL c=$c" -c "$c" -j 2 -T "$BENCH_SECONDS" -D users="$BENCH_USERS" -D clients="$c" -D k=0 \
            -f "$BENCH_WORK/$name.sql"
        local pg_rps=$RPS pg_p99=$P99
        settle
        wrk_measure "embedded-api     c=$c" -t2 -c"$c" -d"${BENCH_SECONDS}s" -s "bench/wrk/$lua" "http://127.0.0.1:$BENCH_PORT"
        echo "    server RSS $(rss_mib "$SERVER_PID") MiB"
        verdict "$name c=$c throughput / pgbench" "$(ratio "$RPS" "$pg_rps")" ">=" "$target"
        [ -z "$p99_factor" ] || verdict "$name c=$c p99 / pgbench p99" "$(ratio "$P99" "$pg_p99")" "<=" "$p99_factor"
    done
}
