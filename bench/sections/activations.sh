# Sourced by bench/run (opt-in: BENCH_SECTIONS=activations): ListEndUserIntegrations and ActivateIntegration
# through the server (wrk) against pgbench sending the same SQL, as bench/sections/api.sh does for the
# connection operations. Seeds BENCH_INTEGRATIONS deployed integrations in the bench hub, each with one template
# for the bench connector and a variables schema; every end user has activated integration 1 with its primary
# connection. ActivateIntegration binds that connection again for an integration the user has not activated
# (each request and each pgbench transaction takes a pair of its own, see bench/wrk/activate_integration.lua),
# and everything a measurement activated is deleted before the next.
ensure_server
[ -n "${BENCH_HUB:-}" ] || source bench/sections/seed.sh
source bench/lib-capture.sh
# Enough integrations for every pair a run can ask for: BENCH_USERS each.
BENCH_INTEGRATIONS=${BENCH_INTEGRATIONS:-50}
say "seed: $BENCH_INTEGRATIONS integrations, an activation of the first for each of $BENCH_USERS end users"
psql -X -q -v ON_ERROR_STOP=1 -v org="$BENCH_ORG" -v hub="$BENCH_HUB" -v connector="$BENCH_CONNECTOR" \
    -v users="$BENCH_USERS" -v integrations="$BENCH_INTEGRATIONS" <<'SQL'
INSERT INTO integrations (id, organisation_id, hub_id, board_id, name, description, variables_schema, is_deployed)
SELECT '01JBENCG' || lpad(k::text, 18, '0'), :'org', :'hub', '01JBENCD' || lpad(k::text, 18, '0'),
       'Bench integration ' || k, 'Syncs contacts',
       '{"type":"object","properties":{"region":{"type":"string","enum":["eu","us"],"default":"eu"}}}', true
FROM generate_series(1, :integrations) AS k;
INSERT INTO connection_templates (id, organisation_id, integration_id, connector_id, auth_scheme_config)
SELECT '01JBENCT' || lpad(k::text, 18, '0'), :'org', '01JBENCG' || lpad(k::text, 18, '0'), :'connector',
       '{"id":"key-header","description":"API key","schemeType":"api-key","name":"X-API-Key","in":"header"}'
FROM generate_series(1, :integrations) AS k;
INSERT INTO activations (id, organisation_id, hub_id, integration_id, end_user_id, dynamic_variables)
SELECT '01JBENCA' || lpad(n::text, 18, '0'), :'org', :'hub', '01JBENCG' || lpad('1', 18, '0'),
       '01JBENCH' || lpad(n::text, 18, '0'), '{"region":"eu"}'
FROM generate_series(1, :users) AS n;
INSERT INTO activation_connections (activation_id, template_id, connection_id, organisation_id)
SELECT '01JBENCA' || lpad(n::text, 18, '0'), '01JBENCT' || lpad('1', 18, '0'), '01JBENCC' || lpad(n::text, 18, '0'), :'org'
FROM generate_series(1, :users) AS n;
ANALYZE;
SQL

say "capturing the SQL of one request of each kind"
activation_body() {
    printf '{"userId":"user-%05d","integrationId":"01JBENCG%018d","connections":[{"templateId":"01JBENCT%018d","connectionId":"01JBENCC%018d"}],"dynamicVariables":{"region":"eu"}}' \
        "$1" "$2" "$2" "$1"
}
set_statement_log on
capture list_integrations GET "/embed/$BENCH_HUB/users/user-00001/integrations"
capture activate_integration POST /activations "$(activation_body 1 2)"
set_statement_log off
# The pair comes from the transaction's place in the client's sequence, as in activate_integration.lua: pgbench
# keeps a client's variables from one transaction to the next (k starts at 0, -D k=0).
sed -i 's/^\\set u random(1, :users)$/\\set k :k + 1\n\\set s :client_id + :clients * (:k - 1)\n\\set u :s % :users + 1\n\\set i :s \/ :users + 2/' \
    "$BENCH_WORK/activate_integration.sql"
grep -q '^\\set i ' "$BENCH_WORK/activate_integration.sql" || { echo "the activation script has no pair sequence" >&2; exit 1; }
cp "$BENCH_WORK"/{list_integrations,activate_integration}.sql bench/results/ 2>/dev/null || true

export BENCH_USERS
for operation in ${BENCH_OPERATIONS:-list_integrations activate_integration}; do
    case $operation in
        list_integrations) compare list_integrations list_integrations.lua 0.8 ;;
        activate_integration)
            BENCH_SETTLE_SQL="DELETE FROM activations WHERE integration_id <> '01JBENCG$(printf %018d 1)'" \
                compare activate_integration activate_integration.lua 0.9 2 ;;
    esac
done
