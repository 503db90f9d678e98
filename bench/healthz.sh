#!/usr/bin/env bash
# /healthz of the release build against nginx returning the same body, same worker count, same wrk runs,
# one after the other in one run; then resident memory with N idle keep-alive connections.
# Usage: bench/healthz.sh [seconds per run, default 10] [idle connections, default 2000]
# Needs: wrk, nginx (Debian: apt-get install wrk nginx-light), python3. Requires DATABASE_URL and CREDENTIAL_KEYS
# or a checkout where scripts/run.sh has made .data/ (it reuses the private database).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
duration=${1:-10}
idle=${2:-2000}
workers=$(nproc)
work=$(mktemp -d /tmp/embedded-api-bench-XXXXXX)
trap 'stop_nginx "$work/nginx"; [ -n "${server:-}" ] && kill $server 2>/dev/null; scripts/dev-db.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

swift build -c release --product embedded-api >&2
binary="$(swift build -c release --show-bin-path)/embedded-api"
if [ -z "${DATABASE_URL:-}" ]; then
    chmod 755 "$work"
    scripts/dev-db.sh start "$work/pg" >&2
    DATABASE_URL=$(scripts/dev-db.sh url "$work/pg")
fi
export DATABASE_URL
export CREDENTIAL_KEYS=${CREDENTIAL_KEYS:-$("$binary" credentials generate-key --version bench)}
PORT=18080 EVENT_LOOP_THREADS=$workers LOG_LEVEL=warning MAX_CONNECTIONS=20000 "$binary" serve &
server=$!
wait_http http://127.0.0.1:18080/healthz
start_nginx "$work/nginx" "$workers" 18081
wait_http http://127.0.0.1:18081/

echo "# /healthz, $workers worker(s) each, wrk -t2 -d${duration}s, $(date -u +%FT%TZ)"
for c in 16 64 256; do
    ours=$(wrk_summary "embedded-api c=$c" -t2 -c$c -d${duration}s http://127.0.0.1:18080/healthz)
    theirs=$(wrk_summary "nginx        c=$c" -t2 -c$c -d${duration}s http://127.0.0.1:18081/)
    echo "$ours"; echo "$theirs"
    awk -v a="$(awk '{print $3}' <<<"$ours")" -v b="$(awk '{print $3}' <<<"$theirs")" \
        'BEGIN { printf "ratio c=%s: %.2f x nginx\n", "'$c'", a / b }'
done

echo "# resident memory"
echo "idle server: $(rss_kib $server) KiB"
python3 bench/idle_connections.py 127.0.0.1 18080 "$idle" --hold 8 &
holder=$!
sleep 5
echo "with $idle idle keep-alive connections: $(rss_kib $server) KiB"
start=$(date +%s%N)
curl -fsS -o /dev/null http://127.0.0.1:18080/healthz
echo "a /healthz while they are open: $(( ($(date +%s%N) - start) / 1000000 )) ms"
wait $holder || true
