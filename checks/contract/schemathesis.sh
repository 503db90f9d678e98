#!/usr/bin/env bash
# Property-based contract test: Schemathesis generates requests from openapi/openapi.yaml (or ST_SPEC, e.g. the
# reference's own file) and checks every answer of the running server against it (no 5xx, response bodies match
# their schemas).
# Starts a throwaway PostgreSQL (unless DATABASE_URL is set) and the server, makes an organisation and its
# API key and a connector, hub, end user, connection, integration with a template, activation and signing key
# to aim at, runs Schemathesis, stops everything.
# Operations marked x-not-implemented (always 501 by design) are left out.
#   checks/contract/schemathesis.sh [extra schemathesis options, e.g. --include-path-regex '^/hubs']
# Env: ST_EXAMPLES (max examples per operation, default 25), ST_MAX_TIME (seconds, default 240),
#      ST_CHECKS (default not_a_server_error,response_schema_conformance), ST_SEED (default 1),
#      ST_REPORT_DIR (JUnit + NDJSON reports; default a kept directory printed at the end),
#      SKIP_BUILD=1, CONTRACT_PORT (default 18556).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! python3 -c "import schemathesis" 2>/dev/null; then
    echo "installing schemathesis" >&2
    python3 -m pip install -q schemathesis >&2
fi
source checks/lib-server.sh
# The module, not the console script: a fresh pip install may not have put the script on PATH yet.
schemathesis() { python3 -m schemathesis.cli "$@"; }

server_build
server_database
# InitialiseOAuth2EmbeddedConnection answers 503 without a public base URL for its redirect_uri.
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-https://embedded-api.test}
server_start "${CONTRACT_PORT:-18556}"
created="$("$BINARY" organisations create --name schemathesis)"
api_key="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["apiKey"])' <<<"$created")"
report="${ST_REPORT_DIR:-$(mktemp -d /tmp/embedded-api-schemathesis-XXXXXX)}"

# Real resources, so that generated requests reach past the 404s: path parameters are pinned to them
# (set ST_PIN=0 to let Schemathesis invent every id instead). What cannot be made yet is left to generation.
config="$ROBUST_WORK/schemathesis.toml"
python3 - "$SERVER_PORT" "$created" "${ST_PIN:-1}" >"$config" <<'PY'
import http.client, json, sys
port, created, pin = int(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3] == "1"
key, org = created["apiKey"], created["organisationId"]
ids = {"organisation_id": org}

def call(method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, None if body is None else json.dumps(body),
                 {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    # The reference answers 200 to some creates (CreateIntegration, ActivateIntegration), 201 to the rest.
    if response.status not in (200, 201):
        print(f"# seeding {method} {path}: {response.status}", file=sys.stderr)
        return None
    return json.loads(data)

def post(path, body):
    return call("POST", path, body)

scheme = {"id": "key-header", "description": "API key", "schemeType": "api-key", "name": "X-API-Key", "in": "header"}
connector = post(f"/o/{org}/protocols/http/connectors",
                 {"name": "Acme", "baseUrl": "https://api.acme.example", "authSchemeConfigs": [scheme]})
if connector:
    ids["connector_id"] = connector["id"]
    ids["auth_scheme_config_id"] = "key-header"
    hub = post("/hubs", {"name": "Contract hub", "primaryConnectorId": connector["id"],
                         "authSchemeConfig": {"id": "none", "description": "", "schemeType": "none"}})
    if hub:
        ids["hub_id"] = hub["id"]
        entry = {"authSchemeConfig": scheme, "credential": {"name": "k", "type": "string", "data": {"value": "s"}}}
        user = post(f"/hubs/{hub['id']}/users", {"externalId": "contract-user", "displayName": "C",
                    "primaryConnection": {"name": "primary", "credentials": {"action": [entry], "trigger": []}}})
        if user:
            ids["user_id"] = user["id"]
            connection = post(f"/hubs/{hub['id']}/users/{user['id']}/connections?identifier_type=internal",
                              {"connectorId": connector["id"], "connection": {"name": "second",
                               "credentials": {"action": [entry], "trigger": []}}})
            if connection:
                ids["connection_id"] = connection["id"]
        integration = post(f"/hubs/{hub['id']}/integrations", {
            "organisationId": org, "name": "Contract integration",
            "connectionTemplate": {"connectorId": connector["id"], "authSchemeConfig": scheme}})
        if integration:
            ids["integration_id"] = integration["id"]
            call("PATCH", f"/integrations/{integration['id']}", {"isDeployed": True})
            templates = call("GET", f"/integrations/{integration['id']}/connection-templates")
            if templates and templates["connectionTemplates"]:
                ids["connection_template_id"] = templates["connectionTemplates"][0]["id"]
                if "connection_id" in ids:
                    activation = post("/activations", {
                        "userId": "contract-user", "integrationId": integration["id"],
                        "connections": [{"templateId": ids["connection_template_id"], "connectionId": ids["connection_id"]}]})
                    if activation:
                        ids["activation_id"] = activation["id"]
signing = post(f"/organisations/{org}/keys", {"name": "contract"})
if signing and "id" in signing:
    ids["key_id"] = ids["id"] = signing["id"]
print("[parameters]")
for name, value in sorted(ids.items()) if pin else []:
    print(f'{name} = "{value}"')
print("# seeded: " + ", ".join(sorted(ids)), file=sys.stderr)
# The coverage phase also sends methods an operation does not document. For the methods this server implements the
# answer is 405 with Allow; TRACE and QUERY it implements on no resource, so RFC 9110 section 9.1 has it answer 501,
# which not_a_server_error would count as a failure. They stay covered by the conformance corpus.
print("[phases.coverage]")
print('unexpected-methods = ["get", "put", "post", "delete", "options", "patch"]')
PY

note "schemathesis $(schemathesis --version | awk '{print $NF}') against port $SERVER_PORT; report in $report"
status=0
spec="$PWD/${ST_SPEC:-openapi/openapi.yaml}"
# The reference's own file has schema bugs that stop Schemathesis (reference_corrected.py says which).
if [ "${ST_SPEC:-}" != "" ] && [[ "$ST_SPEC" == openapi/reference/* ]]; then
    python3 checks/contract/reference_corrected.py "$spec" "$ROBUST_WORK/reference.yaml"
    spec="$ROBUST_WORK/reference.yaml"
fi
# From the work directory: Schemathesis keeps a crash cache (.schemathesis/) in the working directory.
# One worker: with two, Hypothesis's threads parse lambda sources concurrently and CPython 3.11's ast.parse
# can fail with "SystemError: AST constructor recursion depth mismatch", a tool error that failed a clean-clone
# run (2026-12-01) with no request involved. The run is bounded by --max-time either way.
(cd "$ROBUST_WORK" && schemathesis --config-file "$config" run "$spec" \
    --url "http://127.0.0.1:$SERVER_PORT" \
    -H "Authorization: Bearer $api_key" \
    --checks "${ST_CHECKS:-not_a_server_error,response_schema_conformance}" \
    --max-examples "${ST_EXAMPLES:-25}" \
    --max-time "${ST_MAX_TIME:-240}" \
    --seed "${ST_SEED:-1}" \
    --workers 1 \
    --request-timeout 10 \
    --generation-database none \
    --suppress-health-check all \
    --no-color \
    --exclude-by '/x-not-implemented == true' \
    --report junit,ndjson --report-dir "$report" \
    "$@") || status=$?

if grep -q "panicked\|Fatal error" "$ROBUST_WORK/server.log"; then
    note "the server crashed during the run:"
    grep -m5 "panicked\|Fatal error" "$ROBUST_WORK/server.log" >&2
    status=1
fi
exit "$status"
