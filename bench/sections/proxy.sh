# Sourced by bench/run (opt-in: BENCH_SECTIONS="proxy", or bench/proxy_stream.sh): the authenticating proxy.
#   1. 100 MB down and 100 MB up through the proxy, with the server's resident memory sampled before and at its
#      peak (VmHWM, reset first through /proc/PID/clear_refs): the growth must stay well under the 100 MB moved.
#   2. wrk at c=16 against a small upstream answer, directly and through the proxy: the p50 the proxy adds
#      (target <= 1 ms) and both request rates.
#   3. Instructions per proxied request of that answer (callgrind, one event loop, 4 clients): the figure that does
#      not move with the machine's hour, for a before/after of one change; per-function costs in
#      bench/results/callgrind-proxy.out.
# The upstream is nginx on loopback: a 100 MB file, a small JSON answer, and a sink that takes any body.
# Loopback is refused by the outbound policy unless allowed, and c=16 needs 16 of the organisation's slots.
stop_server
export OUTBOUND_ALLOW_PRIVATE_NETWORKS=true OUTBOUND_MAX_CONCURRENT_PER_ORGANISATION=32
ensure_server
[ -n "${BENCH_HUB:-}" ] || source bench/sections/seed.sh

UPSTREAM_PORT=18082 upstream="$BENCH_WORK/upstream"
mkdir -p "$upstream/files"
head -c $((100 * 1024 * 1024)) /dev/urandom > "$upstream/files/big"
cat > "$upstream/nginx.conf" <<CONF
worker_processes 1;
pid $upstream/nginx.pid;
error_log $upstream/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_max_body_size 0;
    server {
        listen 127.0.0.1:$UPSTREAM_PORT reuseport;
        location = /big { root $upstream/files; }
        location = /small { default_type application/json; return 200 '{"message": "ok"}\n'; }
        location = /sink { return 200 'taken\n'; }
    }
}
CONF
nginx -c "$upstream/nginx.conf" -p "$upstream" -g 'daemon on;'
trap 'stop_nginx "$upstream"; cleanup' EXIT

say "a connection whose connector points at the upstream"
access_key=$("$BENCH_BINARY" api-keys create --organisation "$BENCH_ORG" --scope connections:access |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["apiKey"])')
scheme='{"id":"key-header","description":"API key","schemeType":"api-key","name":"X-API-Key","in":"header"}'
connector=$(api POST "/o/$BENCH_ORG/protocols/http/connectors" \
    "{\"name\":\"upstream\",\"baseUrl\":\"http://127.0.0.1:$UPSTREAM_PORT\",\"authSchemeConfigs\":[$scheme]}" | json_field id)
entry="{\"authSchemeConfig\":$scheme,\"credential\":{\"name\":\"key\",\"type\":\"string\",\"data\":{\"value\":\"sk_bench\"}}}"
connection=$(api POST "/hubs/$BENCH_HUB/users/user-00001/connections" \
    "{\"connectorId\":\"$connector\",\"connection\":{\"name\":\"upstream\",\"credentials\":{\"action\":[$entry],\"trigger\":[]}}}" | json_field id)
proxy="http://127.0.0.1:$BENCH_PORT/hubs/$BENCH_HUB/users/user-00001/connections/$connection/proxy"

# peak_growth COMMAND...: runs COMMAND and prints the server's peak resident growth over its resident size
# before, in MiB.
peak_growth() {
    local before
    echo 5 > "/proc/$SERVER_PID/clear_refs"  # VmHWM := VmRSS
    before=$(rss_kib "$SERVER_PID")
    "$@" >/dev/null
    awk -v b="$before" '/^VmHWM:/ {printf "%.1f", ($2 - b) / 1024}' "/proc/$SERVER_PID/status"
}

say "100 MB down and up through the proxy"
echo "proxy, 100 MB each way (server RSS before: $(rss_mib "$SERVER_PID") MiB)"
want=$(sha256sum < "$upstream/files/big" | cut -d' ' -f1)
down=$(peak_growth curl -fsS -H "Authorization: Bearer $access_key" -o "$BENCH_WORK/down" "$proxy/big")
got=$(sha256sum < "$BENCH_WORK/down" | cut -d' ' -f1)
echo "    download: $(stat -c %s "$BENCH_WORK/down") bytes, $([ "$got" = "$want" ] && echo intact || echo CORRUPT)"
verdict "download: peak RSS growth (MiB)" "$down" "<=" 20
up_status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $access_key" \
    -H 'Content-Type: application/octet-stream' --data-binary "@$upstream/files/big" "$proxy/sink" || true)
if [ "$up_status" = 200 ]; then
    up=$(peak_growth curl -sS -o /dev/null -H "Authorization: Bearer $access_key" \
        -H 'Content-Type: application/octet-stream' --data-binary "@$upstream/files/big" "$proxy/sink")
    verdict "upload: peak RSS growth (MiB)" "$up" "<=" 20
else
    echo "    upload: answered $up_status, not forwarded: not measured  MISSED"
fi

say "proxy against the upstream called directly, c=16"
wrk_measure "upstream directly, c=16" -t2 -c16 -d"${BENCH_SECONDS}s" "http://127.0.0.1:$UPSTREAM_PORT/small"
direct_p50=$P50 direct_rps=$RPS
wrk_measure "through the proxy, c=16" -t2 -c16 -d"${BENCH_SECONDS}s" -H "Authorization: Bearer $access_key" "$proxy/small"
verdict "p50 the proxy adds (ms)" "$(awk -v a="$P50" -v b="$direct_p50" 'BEGIN {print a - b}')" "<=" 1
echo "    req/s: proxy $RPS, upstream directly $direct_rps (ratio $(ratio "$RPS" "$direct_rps"))"

say "instructions per proxied request (callgrind, 1 event loop)"
ensure_packages valgrind
cg_port=18091
start_callgrind $cg_port proxy
count_instructions proxy proxy_small -H "Authorization: Bearer $access_key" "${proxy/:$BENCH_PORT\//:$cg_port/}/small"
stop_callgrind
stop_nginx "$upstream"
