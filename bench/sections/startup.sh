# Sourced by bench/run: start to ready on a fresh database (every migration applied during the start), then a
# restart (migrations checked, none pending), and the idle server's resident memory.
say "start to ready"
start_server
fresh=$READY_MS
echo "start to ready, fresh database (migrations applied): $fresh ms"
stop_server
restarts=()
for _ in 1 2 3; do
    start_server
    restarts+=("$READY_MS")
    stop_server
done
echo "start to ready, restart (migrations up to date):    ${restarts[*]} ms"
verdict "start to ready, fresh database (ms)" "$fresh" "<=" 200
verdict "start to ready, restart, worst of 3 (ms)" "$(printf '%s\n' "${restarts[@]}" | sort -n | tail -1)" "<=" 200
start_server
sleep 1
echo "idle server RSS: $(rss_mib "$SERVER_PID") MiB"
verdict "idle server RSS (MiB)" "$(rss_mib "$SERVER_PID")" "<=" 30
