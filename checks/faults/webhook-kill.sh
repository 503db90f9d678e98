#!/usr/bin/env bash
# Webhooks through crashes and beside a second instance, verified by the `standardwebhooks` library:
#   1. events committed while the receiver holds every request unanswered, then the server is SIGKILLed with its
#      deliveries claimed and in flight: the restarted server delivers every event once the leases expire;
#   2. two server instances on one database, a quiet run of 20 creates: each event arrives exactly once;
#   every request's signature verifies, and every delivery ends delivered.
#   checks/faults/webhook-kill.sh   Env: SKIP_BUILD=1, FAULT_PORT (default 18571)
set -euo pipefail
cd "$(dirname "$0")/../.."
source checks/lib-server.sh

server_build
server_database
export OUTBOUND_ALLOW_PRIVATE_NETWORKS=true OUTBOUND_TIMEOUT_MS=1000 WEBHOOK_LEASE_MS=1000 WEBHOOK_POLL_MS=100 \
    WEBHOOK_RETRY_BASE_MS=200
state="$ROBUST_WORK/receiver"
mkdir -p "$state"
touch "$state/hang" "$state/received.jsonl"
python3 checks/faults/webhook_receiver.py "$state" "$state/port" &
for _ in $(seq 1 50); do [[ -s "$state/port" ]] && break; sleep 0.1; done
receiver="http://127.0.0.1:$(cat "$state/port")/hook"
server_start "${FAULT_PORT:-18571}"
port="$SERVER_PORT"

created="$("$BINARY" organisations create --name webhooks)"
organisation="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["organisationId"])' <<<"$created")"
api_key="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["apiKey"])' <<<"$created")"
curl -sS -o "$ROBUST_WORK/webhook.json" -X POST -H "Authorization: Bearer $api_key" -H 'Content-Type: application/json' \
    --data-binary "{\"url\":\"$receiver\",\"events\":[\"connection.created\",\"connection.deleted\"]}" \
    "http://127.0.0.1:$port/o/$organisation/webhooks"
python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["secret"])' "$ROBUST_WORK/webhook.json" >"$state/secret"
make_tenant_after_webhook() {  # the connector, hub and end user of make_tenant, in the organisation made above
    scheme='{"id":"key-header","description":"API key","schemeType":"api-key","name":"X-API-Key","in":"header"}'
    connector="$(server_post "/o/$organisation/protocols/http/connectors" \
        "{\"name\":\"Acme\",\"baseUrl\":\"https://api.acme.example\",\"authSchemeConfigs\":[$scheme]}")"
    hub="$(server_post /hubs "{\"name\":\"hooks hub\",\"primaryConnectorId\":\"$connector\",\"authSchemeConfig\":{\"id\":\"none\",\"description\":\"\",\"schemeType\":\"none\"}}")"
}
make_tenant_after_webhook
credential="{\"authSchemeConfig\":$scheme,\"credential\":{\"name\":\"k\",\"type\":\"string\",\"data\":{\"value\":\"hook-secret-value\"}}}"
create_user() {
    server_post "/hubs/$hub/users" "{\"externalId\":\"$1\",\"displayName\":\"K\",\"primaryConnection\":{\"name\":\"primary\",\"credentials\":{\"action\":[$credential],\"trigger\":[]}}}" >/dev/null
}

sql() { psql "$DATABASE_URL" -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }
events() { sql "SELECT count(*) FROM webhook_events WHERE organisation_id = '$organisation'"; }
failures=0
result() { if [[ "$2" == "$3" ]]; then echo "ok    $1"; else echo "FAIL  $1: $2, expected $3"; failures=$((failures + 1)); fi; }
# wait_delivered N: until N distinct events were answered, at most 40 s.
wait_delivered() {
    for _ in $(seq 1 400); do
        [[ "$(answered_ids | sort -u | wc -l)" -ge "$1" ]] && return 0
        sleep 0.1
    done
}
answered_ids() { python3 -c '
import json, sys
for line in open(sys.argv[1]):
    entry = json.loads(line)
    if entry["answered"]: print(entry["webhookId"])' "$state/received.jsonl"; }

# 1. SIGKILL with deliveries in flight.
for user in crash-1 crash-2 crash-3; do create_user "$user"; done
for _ in $(seq 1 100); do [[ -s "$state/received.jsonl" ]] && break; sleep 0.1; done
result "deliveries were in flight before the kill" "$([[ -s "$state/received.jsonl" ]] && echo yes || echo no)" yes
note "SIGKILL server pid $SERVER_PID with deliveries claimed"
server_stop KILL
rm "$state/hang"
server_start "$port" exact
wait_delivered 3
result "every event committed before the kill is delivered after the restart" "$(answered_ids | sort -u | wc -l)" 3

# 2. Two instances, a quiet run.
first="$SERVER_PID"
SERVER_PID=""
server_start $((port + 1))
second="$SERVER_PID"
before="$(wc -l <"$state/received.jsonl")"
for index in $(seq 1 20); do create_user "quiet-$index"; done
wait_delivered 23
sleep 2  # time for a duplicate to show
result "23 events in the outbox" "$(events)" 23
result "each of the 20 new events arrived exactly once across both instances" \
    "$(tail -n +"$((before + 1))" "$state/received.jsonl" | python3 -c '
import collections, json, sys
ids = collections.Counter(json.loads(line)["webhookId"] for line in sys.stdin if json.loads(line)["answered"])
print(f"{len(ids)} ids, {sum(ids.values())} requests")')" "20 ids, 20 requests"
result "every request's signature verified (standardwebhooks)" \
    "$(python3 -c 'import json, sys; print(all(json.loads(l)["verified"] for l in open(sys.argv[1])))' "$state/received.jsonl")" True
result "every delivery is delivered" "$(sql "SELECT count(*) FROM webhook_deliveries WHERE organisation_id = '$organisation' AND state <> 'delivered'")" 0
result "no payload carries the credential secret" "$(grep -c hook-secret-value "$state/received.jsonl" || true)" 0
kill "$second" 2>/dev/null || true
wait "$second" 2>/dev/null || true
SERVER_PID="$first"
echo "webhook kill: $([[ $failures == 0 ]] && echo passed || echo "FAILED ($failures)")"
[[ $failures == 0 ]]
