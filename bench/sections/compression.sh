# Sourced by bench/run: the server's CPU per request with and without gzip, for ListEndUserConnections answering
# 100 connections (~50 KiB of JSON, compressed) and /healthz (below COMPRESSION_MIN_BYTES: never compressed, so
# asking for gzip should cost nothing). One end user gets 100 connections in SQL; wrk asks for the same page over
# and over at the first of BENCH_CONCURRENCY, identity then gzip, each measurement after a settle.
ensure_server
[ -n "${BENCH_HUB:-}" ] || source bench/sections/seed.sh

say "compression: 100 connections for user-00001"
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO connections (id, organisation_id, end_user_id, connector_id, name, variables, created_at, updated_at)
SELECT '01JBENCZ' || lpad(n::text, 18, '0'), c.organisation_id, c.end_user_id, c.connector_id, 'more-' || n, c.variables, now(), now()
FROM generate_series(1, 99) AS n, connections c WHERE c.id = '01JBENCC' || lpad('1', 18, '0')
ON CONFLICT DO NOTHING;
INSERT INTO connection_credentials (id, connection_id, credential_id, usage, position, auth_scheme_config, validation_messages)
SELECT '01JBENCY' || lpad(n::text, 18, '0'), '01JBENCZ' || lpad(n::text, 18, '0'), b.credential_id, b.usage, b.position,
       b.auth_scheme_config, b.validation_messages
FROM generate_series(1, 99) AS n, connection_credentials b WHERE b.connection_id = '01JBENCC' || lpad('1', 18, '0')
ON CONFLICT DO NOTHING;
VACUUM ANALYZE;
SQL
list_path="/hubs/$BENCH_HUB/users/user-00001/connections?first=100"
size() { curl -sS -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $BENCH_API_KEY" "$@"; }
echo "    ListEndUserConnections, 100 items: $(size "http://127.0.0.1:$BENCH_PORT$list_path") bytes identity," \
    "$(size -H 'Accept-Encoding: gzip' "http://127.0.0.1:$BENCH_PORT$list_path") bytes gzip"
c=${BENCH_CONCURRENCY%% *}
# measure LABEL PATH ACCEPT_ENCODING [API_KEY]
measure() {
    psql -X -q -c "CHECKPOINT"
    BENCH_PATH=$2 BENCH_ACCEPT_ENCODING=$3 BENCH_API_KEY=${4:-} \
        wrk_measure "$1 c=$c" -t2 -c"$c" -d"${BENCH_SECONDS}s" -s bench/wrk/fixed_get.lua "http://127.0.0.1:$BENCH_PORT"
}
say "compression: CPU per request, identity against gzip"
measure "list 100 identity" "$list_path" "" "$BENCH_API_KEY"
measure "list 100 gzip    " "$list_path" "gzip" "$BENCH_API_KEY"
measure "/healthz identity" /healthz ""
measure "/healthz gzip    " /healthz "gzip"
