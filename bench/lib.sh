# Shared by the bench scripts. Sourced.
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# rss_kib PID: resident set size of a process in KiB.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# wait_http URL [seconds]: wait until URL answers 200.
wait_http() {
    local url=$1 deadline=$((SECONDS + ${2:-30}))
    until curl -fsS -o /dev/null "$url" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || { echo "timed out waiting for $url" >&2; return 1; }
        sleep 0.05
    done
}

# wrk_summary LABEL WRK_ARGS...: runs wrk with latency output and prints one line: label rps p50 p99.
wrk_summary() {
    local label=$1; shift
    local out
    out=$(wrk --latency "$@" 2>&1)
    local rps p50 p99 errors
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx or 3xx responses:/ {print $5} /Socket errors:/ {print}' <<<"$out" | paste -sd' ')
    printf '%-40s %12s req/s  p50 %9s  p99 %9s  %s\n' "$label" "$rps" "$p50" "$p99" "${errors:-}"
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

stop_nginx() { [ -f "$1/nginx.pid" ] && kill "$(cat "$1/nginx.pid")" 2>/dev/null || true; }
