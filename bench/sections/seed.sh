# Sourced by bench/sections/api.sh: an organisation and API key (the operator command), a connector and a hub
# (the API), one end user with a primary connection (the API), then BENCH_USERS end users in SQL, each with a
# primary connection like the template's bound to the template's credential (one credential may be bound by
# many connections). Seeded ids are ULID-shaped: 01JBENCH/01JBENCC/01JBENCB + 18 digits.
say "seed: organisation, connector, hub, $BENCH_USERS end users"
created=$("$BENCH_BINARY" organisations create --name bench)
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
BENCH_ORG=$(json_field organisationId <<<"$created")
BENCH_API_KEY=$(json_field apiKey <<<"$created")
api() {
    curl -fsS -X "$1" -H "Authorization: Bearer $BENCH_API_KEY" -H 'Content-Type: application/json' \
        ${3:+--data-binary "$3"} "http://127.0.0.1:$BENCH_PORT$2"
}
scheme='{"id":"key-header","description":"API key","schemeType":"api-key","name":"X-API-Key","in":"header"}'
BENCH_CONNECTOR=$(api POST "/o/$BENCH_ORG/protocols/http/connectors" \
    "{\"name\":\"bench\",\"baseUrl\":\"https://api.example.com\",\"authSchemeConfigs\":[$scheme]}" | json_field id)
BENCH_HUB=$(api POST /hubs "{\"name\":\"bench\",\"primaryConnectorId\":\"$BENCH_CONNECTOR\",\"authSchemeConfig\":{\"id\":\"none\",\"description\":\"no auth\",\"schemeType\":\"none\"}}" | json_field id)
entry="{\"authSchemeConfig\":$scheme,\"credential\":{\"name\":\"acme key\",\"type\":\"string\",\"data\":{\"value\":\"sk_live_0123456789abcdef\"}}}"
template=$(api POST "/hubs/$BENCH_HUB/users" \
    "{\"externalId\":\"template\",\"primaryConnection\":{\"name\":\"primary\",\"variables\":[{\"name\":\"region\",\"value\":\"eu\"}],\"credentials\":{\"action\":[$entry]}}}" | json_field id)
psql -X -q -v ON_ERROR_STOP=1 -v org="$BENCH_ORG" -v hub="$BENCH_HUB" -v template="$template" -v users="$BENCH_USERS" <<'SQL'
INSERT INTO end_users (id, organisation_id, hub_id, external_id, display_name, created_at, updated_at)
SELECT '01JBENCH' || lpad(n::text, 18, '0'), :'org', :'hub', 'user-' || lpad(n::text, 5, '0'), 'Bench user ' || n, now(), now()
FROM generate_series(1, :users) AS n;
INSERT INTO connections (id, organisation_id, end_user_id, connector_id, name, variables, created_at, updated_at)
SELECT '01JBENCC' || lpad(n::text, 18, '0'), c.organisation_id, '01JBENCH' || lpad(n::text, 18, '0'), c.connector_id,
       c.name, c.variables, now(), now()
FROM generate_series(1, :users) AS n, connections c WHERE c.end_user_id = :'template';
INSERT INTO connection_credentials (id, connection_id, credential_id, usage, position, auth_scheme_config, validation_messages)
SELECT '01JBENCB' || lpad(n::text, 18, '0'), '01JBENCC' || lpad(n::text, 18, '0'), b.credential_id, b.usage, b.position,
       b.auth_scheme_config, b.validation_messages
FROM generate_series(1, :users) AS n, connection_credentials b JOIN connections c ON c.id = b.connection_id
WHERE c.end_user_id = :'template';
ANALYZE;
SQL
echo "seeded: organisation $BENCH_ORG, hub $BENCH_HUB, connector $BENCH_CONNECTOR, $(psql -X -At -c 'SELECT count(*) FROM end_users') end users, $(psql -X -At -c 'SELECT count(*) FROM connections') connections"
curl -fsS -o /dev/null -H "Authorization: Bearer $BENCH_API_KEY" "http://127.0.0.1:$BENCH_PORT/hubs/$BENCH_HUB/users/user-00001" ||
    { echo "a seeded end user cannot be read back" >&2; exit 1; }
export BENCH_ORG BENCH_API_KEY BENCH_HUB BENCH_CONNECTOR
export BENCH_BODY="{\"connectorId\":\"$BENCH_CONNECTOR\",\"connection\":{\"name\":\"bench-capture\",\"variables\":[{\"name\":\"region\",\"value\":\"eu\"}],\"credentials\":{\"action\":[$entry],\"trigger\":[]}}}"
