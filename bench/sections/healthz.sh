# Sourced by bench/run: GET /healthz against nginx returning the same body with as many worker processes as the
# server has event loops; the same wrk runs, alternated, in the same run.
say "/healthz against nginx"
ensure_server
start_nginx "$BENCH_WORK/nginx" "$BENCH_LOOPS" "$NGINX_PORT"
wait_http "http://127.0.0.1:$NGINX_PORT/"
for c in $BENCH_CONCURRENCY; do
    MEASURED=nginx MEASURED_PIDS="$(cat "$BENCH_WORK/nginx/nginx.pid") $(pgrep -P "$(cat "$BENCH_WORK/nginx/nginx.pid")" | paste -sd' ')" \
        wrk_measure "nginx            c=$c" -t2 -c"$c" -d"${BENCH_SECONDS}s" "http://127.0.0.1:$NGINX_PORT/"
    nginx_rps=$RPS
    wrk_measure "embedded-api     c=$c" -t2 -c"$c" -d"${BENCH_SECONDS}s" "http://127.0.0.1:$BENCH_PORT/healthz"
    echo "    server RSS $(rss_mib "$SERVER_PID") MiB"
    verdict "/healthz c=$c throughput / nginx" "$(ratio "$RPS" "$nginx_rps")" ">=" 0.8
done
stop_nginx "$BENCH_WORK/nginx"
