"""The README's walk-through, through a client that openapi-python-client generates from openapi/openapi.yaml.

Run against a live server (checks/clients/python.sh generates the client and starts one):
    PYTHONPATH=<dir holding embedded_api_client> BASE=http://127.0.0.1:8080 API_KEY=… ORG=… \
        python3 Clients/Python/walkthrough.py
Makes a connector, a hub, an end user, a connection with an Idempotency-Key and its retry (the same answer), reads
the 409 of a duplicate name and a 400 with its field path from the typed error body, lists, and deletes. Any
deviation exits 1 naming the step.
"""

import os
import sys
import uuid

from embedded_api_client import AuthenticatedClient
from embedded_api_client.types import UNSET
from embedded_api_client.api.connections import (
    create_end_user_connection,
    delete_end_user_connection,
    list_end_user_connections,
)
from embedded_api_client.api.connectors import create_http_connector
from embedded_api_client.api.end_users import create_end_user, delete_end_user, get_end_user
from embedded_api_client.api.hubs import create_hub
from embedded_api_client.models import (
    AuthSchemeConfigAPIKey,
    AuthSchemeConfigAPIKeyIn,
    Connection,
    ConnectionCreate,
    ConnectionCredentialCreate,
    ConnectionCredentialsCreate,
    ConnectionVariable,
    CredentialCreateString,
    CredentialDataString,
    EndUser,
    EndUserConnectionCreate,
    EndUserConnectionsPage,
    EndUserCreate,
    Error,
    HTTPConnector,
    HTTPConnectorCreate,
    Hub,
    HubCreate,
)


def fail(step, problem):
    print(f"python walkthrough: FAILED at {step}: {problem}", file=sys.stderr)
    sys.exit(1)


def expect(step, response, status, kind):
    """The answer of `step` has this status and parses to this generated type; returns the parsed body."""
    if response.status_code != status:
        fail(step, f"expected {status}, got {int(response.status_code)}: {response.content[:500]!r}")
    if kind is None:
        return None
    if not isinstance(response.parsed, kind):
        fail(step, f"the body did not parse as {kind.__name__}: {response.parsed!r}")
    return response.parsed


def scheme():
    return AuthSchemeConfigAPIKey(id="crm-key", description="API key in a header", scheme_type="api-key",
                                  name="X-API-Key", in_=AuthSchemeConfigAPIKeyIn.HEADER)


def string_credential(name, secret):
    return ConnectionCredentialsCreate(action=[ConnectionCredentialCreate(
        auth_scheme_config=scheme(),
        credential=CredentialCreateString(name=name, type_="string", data=CredentialDataString(value=secret)))])


def connect(client, hub, connector, name, credentials, variables=UNSET, idempotency_key=UNSET):
    """CreateEndUserConnection: customer-42 to the connector, under this name."""
    return create_end_user_connection.sync_detailed(
        hub.id, "customer-42", client=client, idempotency_key=idempotency_key, body=EndUserConnectionCreate(
            connector_id=connector.id, connection=ConnectionCreate(name=name, variables=variables,
                                                                   credentials=credentials)))


def main():
    base, api_key, organisation = os.environ["BASE"], os.environ["API_KEY"], os.environ["ORG"]
    client = AuthenticatedClient(base_url=base, token=api_key, raise_on_unexpected_status=True)
    # Unique per run, so the walk-through can run again against the same server.
    run = uuid.uuid4().hex[:8]

    step = "1. CreateHTTPConnector"
    connector = expect(step, create_http_connector.sync_detailed(organisation, client=client, body=HTTPConnectorCreate(
        name=f"Acme CRM {run}", base_url="https://api.acme-crm.example", auth_scheme_configs=[scheme()])),
        201, HTTPConnector)

    step = "2. CreateHub"
    hub = expect(step, create_hub.sync_detailed(client=client, body=HubCreate(
        organisation_id=organisation, name=f"Acme hub {run}", primary_connector_id=connector.id,
        auth_scheme_config=scheme())), 201, Hub)

    step = "3. CreateEndUser"
    user = expect(step, create_end_user.sync_detailed(hub.id, client=client, body=EndUserCreate(
        external_id="customer-42", display_name="Ada",
        primary_connection=ConnectionCreate(name="crm", credentials=string_credential("Ada CRM key", "crm-secret-1")))),
        201, EndUser)
    if user.external_id != "customer-42":
        fail(step, f"externalId {user.external_id!r}")

    step = "4. CreateEndUserConnection with an Idempotency-Key"
    sandbox = dict(name="sandbox", credentials=string_credential("Ada sandbox key", "crm-secret-2"),
                   variables=[ConnectionVariable(name="region", value="eu")], idempotency_key=f"ada-sandbox-{run}")
    first = connect(client, hub, connector, **sandbox)
    connection = expect(step, first, 201, Connection)
    if "Idempotent-Replayed" in first.headers:
        fail(step, "the first answer is marked as replayed")
    secret = connection.credentials.action[0].credential.data
    if getattr(secret, "value", None) != "":
        fail(step, f"the secret is not replaced by \"\": {secret!r}")
    if b"crm-secret-2" in first.content:
        fail(step, "a secret came back")
    if connection.variables[0].value != "eu":
        fail(step, f"variables {connection.variables!r}")

    step = "4. the same request retried with its Idempotency-Key"
    again = connect(client, hub, connector, **sandbox)
    replayed = expect(step, again, 201, Connection)
    if again.content != first.content or replayed.id != connection.id:
        fail(step, "the retry's answer differs from the first")
    if again.headers.get("Idempotent-Replayed") != "true":
        fail(step, f"Idempotent-Replayed: {again.headers.get('Idempotent-Replayed')!r}")

    step = "5. ListEndUserConnections"
    page = expect(step, list_end_user_connections.sync_detailed(hub.id, "customer-42", client=client),
                  200, EndUserConnectionsPage)
    if page.total_count != 2 or sorted(c.name for c in page.connections) != ["crm", "sandbox"]:
        fail(step, f"totalCount {page.total_count}, {[c.name for c in page.connections]}")

    step = "5. the same name again: 409 with a code that says why"
    error = expect(step, connect(client, hub, connector, "sandbox", string_credential("again", "x")), 409, Error)
    if error.code != "409001" or not error.message:
        fail(step, f"code {error.code!r}, message {error.message!r}")

    step = "5. a secret left out: 400 naming its field"
    error = expect(step, connect(client, hub, connector, "no-secret", string_credential("empty", "")), 400, Error)
    fields = [entry.field for entry in error.fields] if error.fields else []
    if error.code != "400002" or fields != ["connection.credentials.action[0].credential.data.value"]:
        fail(step, f"code {error.code!r}, fields {fields}")

    step = "6. DeleteEndUserConnection"
    expect(step, delete_end_user_connection.sync_detailed(hub.id, "customer-42", connection.id, client=client),
           204, None)
    page = expect(step, list_end_user_connections.sync_detailed(hub.id, "customer-42", client=client),
                  200, EndUserConnectionsPage)
    if page.total_count != 1:
        fail(step, f"totalCount {page.total_count} after the delete")

    step = "6. DeleteEndUser"
    expect(step, delete_end_user.sync_detailed(hub.id, "customer-42", client=client), 204, None)
    error = expect(step, get_end_user.sync_detailed(hub.id, "customer-42", client=client), 404, Error)
    if error.code != "404002":
        fail(step, f"the deleted end user answers {error.code!r}")

    print(f"python walkthrough: ok (hub {hub.id})", file=sys.stderr)


if __name__ == "__main__":
    main()
