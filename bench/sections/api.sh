# Sourced by bench/run: GetEndUser, ListEndUserConnections and CreateEndUserConnection through the server (wrk)
# against pgbench sending the same SQL: the statements the server sent for one request of each kind, captured
# from PostgreSQL's statement log (bench/tools/pgbench_script.py), including the API-key lookup.
ensure_server
[ -n "${BENCH_HUB:-}" ] || source bench/sections/seed.sh

source bench/lib-capture.sh
if [ "${BENCH_WEBHOOK:-0}" = 1 ]; then
    # The cost of events: every create then also writes its connection.created event and one delivery. The
    # host never resolves inside the namespace, so deliveries wait in their retries and cost only their claims.
    say "a webhook subscribed to connection.created"
    curl -fsS -o /dev/null -H "Authorization: Bearer $BENCH_API_KEY" -H 'Content-Type: application/json' \
        -d '{"url": "https://hooks.bench.invalid/events", "events": ["connection.created"]}' \
        "http://127.0.0.1:$BENCH_PORT/o/$BENCH_ORG/webhooks"
fi
say "capturing the SQL of one request of each kind"
set_statement_log on
users=/hubs/$BENCH_HUB/users
capture get_end_user GET "$users/user-00001"
capture list_connections GET "$users/user-00001/connections"
capture create_connection POST "$users/user-00001/connections" "$BENCH_BODY"
set_statement_log off
cp "$BENCH_WORK"/{get_end_user,list_connections,create_connection}.sql bench/results/ 2>/dev/null || true

export BENCH_USERS
for operation in ${BENCH_OPERATIONS:-get_end_user list_connections create_connection}; do
    case $operation in
        get_end_user) compare get_end_user get_end_user.lua 0.8 ;;
        list_connections) compare list_connections list_connections.lua 0.8 ;;
        create_connection) compare create_connection create_connection.lua 0.9 2 ;;
    esac
done
