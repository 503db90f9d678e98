CREATE TABLE end_users (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    hub_id           text NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
    external_id      text NOT NULL,
    display_name     text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT end_users_external_id_unique UNIQUE (hub_id, external_id)
);
CREATE INDEX end_users_hub_id ON end_users (hub_id, id);

-- A credential's non-secret fields live in public_data; its secret fields are one AES-256-GCM blob bound to
-- (organisation, credential id, key version). key_version lets rotation find what still uses an old key.
CREATE TABLE credentials (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name             text NOT NULL,
    type             text NOT NULL,
    public_data      jsonb NOT NULL DEFAULT '{}',
    sealed_secrets   bytea NOT NULL,
    key_version      text NOT NULL,
    errors           jsonb NOT NULL DEFAULT '[]',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credentials_organisation ON credentials (organisation_id, id);
CREATE INDEX credentials_key_version ON credentials (key_version);

CREATE TABLE connections (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    end_user_id      text NOT NULL REFERENCES end_users(id) ON DELETE CASCADE,
    connector_id     text NOT NULL REFERENCES connectors(id) ON DELETE RESTRICT,
    name             text NOT NULL,
    variables        jsonb NOT NULL DEFAULT '[]',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT connections_name_unique UNIQUE (end_user_id, connector_id, name)
);
CREATE INDEX connections_end_user ON connections (end_user_id, id);
CREATE INDEX connections_connector ON connections (connector_id);

-- The ordered action/trigger lists binding credentials to a connection, each with its scheme.
CREATE TABLE connection_credentials (
    id                   text PRIMARY KEY,
    connection_id        text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    credential_id        text NOT NULL REFERENCES credentials(id) ON DELETE RESTRICT,
    usage                text NOT NULL CHECK (usage IN ('action', 'trigger')),
    position             integer NOT NULL,
    auth_scheme_config   jsonb NOT NULL,
    validation_messages  jsonb NOT NULL DEFAULT '[]',
    CONSTRAINT connection_credentials_position UNIQUE (connection_id, usage, position)
);
CREATE INDEX connection_credentials_credential ON connection_credentials (credential_id);

-- Idempotency-Key replays: the first answer, stored byte for byte (it never holds a secret: secrets are "").
CREATE TABLE idempotency_keys (
    organisation_id  text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    key              text NOT NULL,
    scope            text NOT NULL,
    request_hash     bytea NOT NULL,
    status           integer NOT NULL,
    headers          jsonb NOT NULL,
    body             bytea NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
