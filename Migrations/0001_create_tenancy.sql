-- Organisations are the tenants; everything else hangs off one.
CREATE TABLE organisations (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- API keys are stored only as SHA-256 of the key; the key itself is shown once.
CREATE TABLE api_keys (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    key_hash         bytea NOT NULL UNIQUE,
    created_at       timestamptz NOT NULL DEFAULT now(),
    revoked_at       timestamptz
);

-- Public halves of end-user token signing keys; the private half is returned once and never stored.
CREATE TABLE signing_keys (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name             text NOT NULL DEFAULT '',
    public_key_pem   text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signing_keys_organisation ON signing_keys (organisation_id);

CREATE TABLE connectors (
    id                    text PRIMARY KEY,
    organisation_id       text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name                  text NOT NULL,
    base_url              text NOT NULL,
    auth_scheme_configs   jsonb NOT NULL DEFAULT '[]',
    connection_variables  jsonb NOT NULL DEFAULT '[]',
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX connectors_organisation ON connectors (organisation_id, id);

CREATE TABLE hubs (
    id                    text PRIMARY KEY,
    organisation_id       text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name                  text NOT NULL,
    primary_connector_id  text NOT NULL REFERENCES connectors(id) ON DELETE RESTRICT,
    auth_scheme_config    jsonb NOT NULL,
    is_default            boolean NOT NULL DEFAULT false,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hubs_organisation ON hubs (organisation_id, id);
-- At most one default hub per organisation.
CREATE UNIQUE INDEX hubs_one_default ON hubs (organisation_id) WHERE is_default;
