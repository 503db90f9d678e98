# Shared by the bench scripts. Sourced.
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# rss_kib PID: resident set size of a process in KiB.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# wait_http URL [seconds]: wait until URL answers 200.
wait_http() {
    local url=$1 deadline=$((SECONDS + ${2:-30}))
    until curl -fsS -o /dev/null "$url" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || { echo "timed out waiting for $url" >&2; return 1; }
        sleep 0.05
    done
}

# to_ms 1.23ms|450.00us|1.02s|3.00m: a wrk latency in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 }
        else if (v ~ /m$/) { sub(/m$/, "", v); print v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 }
        else print "nan" }'
}

# cpu_ticks PID...: user + system CPU of whole processes, in clock ticks (all threads included).
cpu_ticks() {
    local total=0 pid
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] || continue
        total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
    done
    echo "$total"
}
# The bench cluster's processes only (other PostgreSQL clusters may run on the machine).
postgres_pids() {
    local postmaster
    postmaster=$(head -1 "$BENCH_WORK/pg/data/postmaster.pid" 2>/dev/null) || return 0
    echo "$postmaster $(pgrep -P "$postmaster" | paste -sd' ')"
}
# postgres_ticks: CPU of the cluster, including backends that already exited (the postmaster's reaped children).
postgres_ticks() {
    local postmaster
    postmaster=$(head -1 "$BENCH_WORK/pg/data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
    echo $(( $(cpu_ticks $(postgres_pids)) + $(sed 's/^.*) //' "/proc/$postmaster/stat" | awk '{print $14 + $15}') ))
}

# cpu_note WHO TICKS BEFORE_POSTGRES COUNT: CPU microseconds per request spent by WHO (the server, or pgbench
# itself) and by PostgreSQL since the BEFORE reading, e.g. "cpu/request: server 210 us, postgres 95 us".
cpu_note() {
    local pg_ticks=$(( $(postgres_ticks) - $3 ))
    awk -v who="$1" -v s="$2" -v p="$pg_ticks" -v n="$4" -v hz="$(getconf CLK_TCK)" 'BEGIN {
        if (n == 0) exit
        printf "    cpu/request: %s %.0f us", who, s * 1e6 / hz / n
        if (p * 1e6 / hz / n >= 1) printf ", postgres %.0f us", p * 1e6 / hz / n
        printf "\n" }'
}

# wrk_measure LABEL WRK_ARGS...: runs wrk and sets RPS, P50, P99 (milliseconds) and ERRORS; prints one line,
# and the CPU per request of MEASURED_PIDS (default: the server) named MEASURED (default: server).
wrk_measure() {
    local label=$1; shift
    local out server_before pg_before pids=${MEASURED_PIDS:-${SERVER_PID:-}}
    server_before=$(cpu_ticks $pids) pg_before=$(postgres_ticks)
    out=$(wrk --latency "$@" 2>&1)
    RPS=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
    P50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    P99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    ERRORS=$(awk '/Non-2xx or 3xx responses:/ {printf "non-2xx %s ", $5} /Socket errors:/ {printf "%s ", $0}' <<<"$out")
    printf '%-34s %9s req/s  p50 %8.2f ms  p99 %8.2f ms  %s\n' "$label" "${RPS:-?}" "${P50:-nan}" "${P99:-nan}" "$ERRORS"
    [ -n "$RPS" ] || { echo "$out" >&2; return 1; }
    cpu_note "${MEASURED:-server}" "$(( $(cpu_ticks $pids) - server_before ))" "$pg_before" "$(awk '/requests in/ {print $1}' <<<"$out")"
}

# pgbench_measure LABEL PGBENCH_ARGS...: runs pgbench with a per-transaction log and sets RPS, P50, P99 (ms),
# ERRORS; prints one line in wrk_measure's format.
pgbench_measure() {
    local label=$1; shift
    local logs out
    logs=$(mktemp -d "$BENCH_WORK/pgbench-XXXXXX")
    local pg_before
    pg_before=$(postgres_ticks)
    # pgbench's own CPU: `times` (not in a pipeline) in the same subshell reports its finished child, pgbench.
    out=$(cd "$logs" && pgbench -n -M prepared -l --log-prefix=tx "$@" 2>&1 && times >times.txt) ||
        { echo "$out" >&2; return 1; }
    local client_seconds
    client_seconds=$(tail -1 "$logs/times.txt" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
    RPS=$(awk '/^tps = / {printf "%.0f", $3; exit}' <<<"$out")
    read -r P50 P99 < <(cat "$logs"/tx.* | awk '{print $3 / 1000}' | sort -n |
        awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan nan"; exit }
              i50 = int(NR * 0.50); if (i50 < 1) i50 = 1; i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
              print v[i50], v[i99] }')
    ERRORS=$(awk '/number of failed transactions:/ && $5 != 0 {printf "failed %s", $5}' <<<"$out")
    rm -rf "$logs"
    printf '%-34s %9s tx/s   p50 %8.2f ms  p99 %8.2f ms  %s\n' "$label" "${RPS:-?}" "$P50" "$P99" "$ERRORS"
    cpu_note pgbench "$(awk -v s="$client_seconds" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%d", s * hz}')" "$pg_before" \
        "$(awk '/number of transactions actually processed:/ {print $6}' <<<"$out" | cut -d/ -f1)"
}

# verdict NAME VALUE OP LIMIT: prints "NAME VALUE (target OP LIMIT) ok|MISSED".
verdict() {
    awk -v name="$1" -v value="$2" -v op="$3" -v limit="$4" 'BEGIN {
        ok = (op == ">=") ? value >= limit : value <= limit
        printf "    %-44s %8.2f  (target %s %s)  %s\n", name, value, op, limit, ok ? "ok" : "MISSED" }'
}

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

# start_server: starts the release server in the background (SERVER_PID) and sets READY_MS, the milliseconds
# from exec to the first 200 from /readyz. Not in a subshell: SERVER_PID must reach the caller.
start_server() {
    # Something already answering would make the readiness figure a lie.
    if curl -s -o /dev/null "http://127.0.0.1:$BENCH_PORT/healthz"; then
        echo "port $BENCH_PORT is already in use" >&2; return 1
    fi
    local started
    started=$(PORT=$BENCH_PORT EVENT_LOOP_THREADS=$BENCH_LOOPS DATABASE_POOL_SIZE=$BENCH_POOL LOG_LEVEL=warning \
        MAX_CONNECTIONS=20000 python3 bench/tools/wait_ready.py "$BENCH_PORT" "$BENCH_BINARY" serve \
        2>>"$BENCH_WORK/server.log") ||
        { echo "the server did not become ready; its log:" >&2; tail -20 "$BENCH_WORK/server.log" >&2; return 1; }
    read -r SERVER_PID READY_MS <<<"$started"
}

stop_server() {
    [ -n "${SERVER_PID:-}" ] || return 0
    kill "$SERVER_PID" 2>/dev/null || true
    # Not our child (wait_ready.py started it): wait until it is gone, so its port is free again.
    for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.05; done
    SERVER_PID=""
}

# ensure_server: a running server, started if need be.
ensure_server() {
    if [ -z "${SERVER_PID:-}" ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then start_server; fi
}

# start_nginx DIR WORKERS PORT: nginx answering a fixed JSON body like /healthz's, in the background.
start_nginx() {
    local dir=$1 workers=$2 port=$3
    mkdir -p "$dir"
    cat > "$dir/nginx.conf" <<CONF
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 20000; }
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    server {
        listen 127.0.0.1:$port reuseport backlog=4096;
        location / {
            default_type application/json;
            return 200 '{\n  "message": "ok"\n}\n';
        }
    }
}
CONF
    nginx -c "$dir/nginx.conf" -p "$dir" -g 'daemon on;'
}

stop_nginx() { [ -f "$1/nginx.pid" ] && kill "$(cat "$1/nginx.pid" 2>/dev/null)" 2>/dev/null || true; }

# start_callgrind PORT NAME: the release server under valgrind's callgrind on PORT (one event loop, pool 4), its
# profile dumped to $BENCH_WORK/callgrind-NAME.out.*; sets CG_PID once it answers.
start_callgrind() {
    local port=$1 name=$2
    PORT=$port EVENT_LOOP_THREADS=1 DATABASE_POOL_SIZE=4 LOG_LEVEL=warning \
        valgrind --tool=callgrind --callgrind-out-file="$BENCH_WORK/callgrind-$name.out" "$BENCH_BINARY" serve \
        >>"$BENCH_WORK/callgrind-$name.log" 2>&1 &
    CG_PID=$!
    for _ in $(seq 600); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
}

# count_instructions NAME LABEL WRK_ARGS...: against the server start_callgrind NAME made, 2 s of wrk to warm up,
# the counters zeroed, BENCH_INSTRUCTION_SECONDS (5) of wrk with 4 clients, the counters read: prints LABEL's
# instructions per request and keeps the profile as bench/results/callgrind-LABEL.out (callgrind_annotate reads it).
count_instructions() {
    local name=$1 label=$2 requests out
    shift 2
    wrk -t1 -c4 -d2s "$@" >/dev/null
    callgrind_control -z "$CG_PID" >/dev/null 2>&1
    requests=$(wrk -t1 -c4 -d"${BENCH_INSTRUCTION_SECONDS:-5}s" "$@" | awk '/requests in/ {print $1}')
    rm -f "$BENCH_WORK/callgrind-$name.out".*
    callgrind_control -d "$CG_PID" >/dev/null 2>&1
    out=$(ls "$BENCH_WORK/callgrind-$name.out".* | tail -1)
    cp "$out" "bench/results/callgrind-$label.out"
    awk -v n="$requests" -v label="$label" '/^summary:/ {
        printf "    %-26s %9.0f instructions per request (%d requests)\n", label, $2 / n, n }' "$out"
}

stop_callgrind() { kill "$CG_PID" 2>/dev/null; wait "$CG_PID" 2>/dev/null || true; }
