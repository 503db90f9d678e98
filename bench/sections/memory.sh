# Sourced by bench/run: resident memory with BENCH_IDLE idle keep-alive connections, each having made one
# request, and how fast a new request is answered while they are open.
say "$BENCH_IDLE idle keep-alive connections"
ensure_server
before=$(rss_mib "$SERVER_PID")
python3 bench/idle_connections.py 127.0.0.1 "$BENCH_PORT" "$BENCH_IDLE" --hold 6 &
holder=$!
sleep 4
held=$(rss_mib "$SERVER_PID")
start=$(date +%s%N)
curl -fsS -o /dev/null "http://127.0.0.1:$BENCH_PORT/healthz"
echo "RSS idle $before MiB -> $held MiB with $BENCH_IDLE idle keep-alive connections; a /healthz meanwhile: $(( ($(date +%s%N) - start) / 1000000 )) ms"
wait $holder || echo "some idle connections were not answered (see above)"
verdict "RSS with $BENCH_IDLE idle connections (MiB)" "$held" "<=" 150
