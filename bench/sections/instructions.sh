# Sourced by bench/run (BENCH_SECTIONS=instructions, before api in the default run: api's creates add connections,
# which lengthen ListEndUserConnections' page): instructions the server executes
# per request, counted by valgrind's callgrind. Unlike throughput this does not move with the machine's hour, so
# it is the figure for a before/after of one change. One event loop, 4 keep-alive clients; the counters are
# zeroed after a warm-up and read after BENCH_INSTRUCTION_SECONDS (5) of wrk. Per-function costs:
# callgrind_annotate on the kept bench/results/callgrind-<operation>.out.
ensure_packages valgrind
[ -n "${BENCH_HUB:-}" ] || { ensure_server; source bench/sections/seed.sh; }
say "instructions per request (callgrind, 1 event loop)"
cg_port=18090
PORT=$cg_port EVENT_LOOP_THREADS=1 DATABASE_POOL_SIZE=4 LOG_LEVEL=warning \
    valgrind --tool=callgrind --callgrind-out-file="$BENCH_WORK/callgrind.out" "$BENCH_BINARY" serve \
    >>"$BENCH_WORK/callgrind.log" 2>&1 &
cg_pid=$!
for _ in $(seq 600); do curl -s -o /dev/null "http://127.0.0.1:$cg_port/healthz" && break; sleep 0.1; done
count_instructions() {
    local name=$1 lua=$2 requests out
    wrk -t1 -c4 -d2s ${lua:+-s "bench/wrk/$lua"} "http://127.0.0.1:$cg_port${3:-/}" >/dev/null
    callgrind_control -z "$cg_pid" >/dev/null 2>&1
    requests=$(wrk -t1 -c4 -d"${BENCH_INSTRUCTION_SECONDS:-5}s" ${lua:+-s "bench/wrk/$lua"} \
        "http://127.0.0.1:$cg_port${3:-/}" | awk '/requests in/ {print $1}')
    rm -f "$BENCH_WORK"/callgrind.out.*
    callgrind_control -d "$cg_pid" >/dev/null 2>&1
    out=$(ls "$BENCH_WORK"/callgrind.out.* | tail -1)
    cp "$out" "bench/results/callgrind-$name.out"
    awk -v n="$requests" -v name="$name" '/^summary:/ {
        printf "    %-26s %9.0f instructions per request (%d requests)\n", name, $2 / n, n }' "$out"
}
count_instructions healthz "" /healthz
count_instructions get_end_user get_end_user.lua
count_instructions list_connections list_connections.lua
count_instructions create_connection create_connection.lua
kill "$cg_pid" 2>/dev/null; wait "$cg_pid" 2>/dev/null || true
