-- What an API key may do. 'organisation' is every management operation (and nothing that reveals a secret);
-- 'connections:access' reads stored credentials (/access) and calls providers through the proxy. Keys made
-- before scopes existed keep the organisation scope.
ALTER TABLE api_keys ADD COLUMN scopes text[] NOT NULL DEFAULT ARRAY['organisation']::text[];
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scopes_known
    CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['organisation', 'connections:access']::text[]);

-- One row per answer of /access that handed out credentials, written before the answer leaves. The key,
-- connection and end user are kept as ids without foreign keys: the trail outlives a revoked key or a deleted
-- connection, and only the organisation's deletion takes it away. Never holds a secret.
CREATE TABLE audit_events (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    action           text NOT NULL CHECK (action IN ('connection.access')),
    api_key_id       text NOT NULL,
    connection_id    text NOT NULL,
    end_user_id      text NOT NULL,
    bindings         json NOT NULL,  -- json, not jsonb: each binding keeps its member order
    request_id       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
-- Listing is newest first within an organisation; ids are ULIDs, so id order is time order.
CREATE INDEX audit_events_organisation ON audit_events (organisation_id, id);
