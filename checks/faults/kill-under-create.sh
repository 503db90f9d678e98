#!/usr/bin/env bash
# Fault (b): the server is killed with SIGKILL while 8 clients run CreateEndUserConnection (each connection with
# two new action credentials and one new trigger credential), then restarted on the same database. Afterwards:
#   - every connection the load made has exactly its 3 credential bindings (none half-written),
#   - no credential of the organisation is bound by nothing (no orphans from an interrupted transaction),
#   - every connection a client was told about (201) is stored (acknowledged means committed),
#   - the restarted server answers creates again.
#   checks/faults/kill-under-create.sh   Env: KILLS (default 3), SKIP_BUILD=1, FAULT_PORT (default 18559)
set -euo pipefail
cd "$(dirname "$0")/../.."
source checks/lib-server.sh

kills="${KILLS:-3}"
server_build
server_database
server_start "${FAULT_PORT:-18559}"
port="$SERVER_PORT"
make_tenant kill kill-user

samples="$ROBUST_WORK/creates.jsonl"
duration=$((4 + kills * 5))
note "create load for ${duration}s with $kills SIGKILLs"
python3 checks/faults/load.py create --port "$port" --duration "$duration" --workers 8 --out "$samples" \
    --api-key "$api_key" --hub "$hub" --user "$user" --connector "$connector" &
load_pid=$!
for _ in $(seq 1 "$kills"); do
    sleep 3
    note "SIGKILL server pid $SERVER_PID"
    server_stop KILL
    server_start "$port" exact
done
wait "$load_pid"

sql() { psql "$DATABASE_URL" -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }
acknowledged="$ROBUST_WORK/acknowledged.txt"
python3 - "$samples" "$acknowledged" <<'PY'
import json, sys
samples = [json.loads(line) for line in open(sys.argv[1])]
statuses = {}
for s in samples:
    statuses[s["status"]] = statuses.get(s["status"], 0) + 1
print(f"{len(samples)} creates: statuses {dict(sorted(statuses.items()))} (0 = no answer: server killed/restarting)")
for s in samples:
    if s["status"] not in (0, 201):
        print(f"  e.g. {s['status']}: {s['error']}")
        break
open(sys.argv[2], "w").write("".join(s["id"] + "\n" for s in samples if s["status"] == 201))
PY
failures=0
check() {  # check DESCRIPTION SQL: the query must return 0
    local value
    value="$(sql "$2")"
    if [[ "$value" == 0 ]]; then echo "ok    $1"; else echo "FAIL  $1: $value"; failures=$((failures + 1)); fi
}
stored="$(sql "SELECT count(*) FROM connections WHERE organisation_id = '$organisation' AND name LIKE 'kill-%'")"
echo "stored connections made by the load: $stored"
check "every load connection has exactly its 3 bindings" "SELECT count(*) FROM connections c
    WHERE c.organisation_id = '$organisation' AND c.name LIKE 'kill-%'
    AND (SELECT count(*) FROM connection_credentials cc WHERE cc.connection_id = c.id) <> 3"
check "no connection without credentials" "SELECT count(*) FROM connections c WHERE c.organisation_id = '$organisation'
    AND NOT EXISTS (SELECT 1 FROM connection_credentials cc WHERE cc.connection_id = c.id)"
check "no orphan credential" "SELECT count(*) FROM credentials k WHERE k.organisation_id = '$organisation'
    AND NOT EXISTS (SELECT 1 FROM connection_credentials cc WHERE cc.credential_id = k.id)"
if [[ -s "$acknowledged" ]]; then
    missing="$(psql "$DATABASE_URL" -X -q -t -A -v ON_ERROR_STOP=1 <<SQL
CREATE TEMP TABLE acknowledged (id text);
\\copy acknowledged FROM '$acknowledged'
SELECT count(*) FROM acknowledged a WHERE NOT EXISTS (SELECT 1 FROM connections c WHERE c.id = a.id);
SQL
)"
    if [[ "$missing" == 0 ]]; then echo "ok    every acknowledged (201) connection is stored ($(wc -l <"$acknowledged"))"; else
        echo "FAIL  $missing acknowledged connections are missing"; failures=$((failures + 1)); fi
else
    echo "FAIL  no create was acknowledged"; failures=$((failures + 1))
fi
after="$(python3 checks/faults/load.py create --port "$port" --duration 1 --workers 1 --out "$ROBUST_WORK/after.jsonl" \
    --api-key "$api_key" --hub "$hub" --user "$user" --connector "$connector" && grep -c '"status": 201' "$ROBUST_WORK/after.jsonl" || true)"
if [[ "${after:-0}" -gt 0 ]]; then echo "ok    the restarted server creates again ($after in 1 s)"; else
    echo "FAIL  no create succeeded after the restarts"; failures=$((failures + 1)); fi
echo "kill under create: $([[ $failures == 0 ]] && echo passed || echo "FAILED ($failures)")"
exit $((failures > 0))
