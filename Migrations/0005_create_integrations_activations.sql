-- Integrations a hub publishes, the connection templates an end user fills in to activate one, and the
-- activations themselves. JSON the client wrote (schemas, variables, scheme configs) is `json`, which keeps its
-- members in the client's order; nothing queries inside it.

-- A connector's icon, answered as `imageUrl`; NULL answers the server's own placeholder image.
ALTER TABLE connectors ADD COLUMN image_url text;

CREATE TABLE integrations (
    id                 text PRIMARY KEY,
    organisation_id    text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    hub_id             text NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
    -- Assigned at creation and never changed: the integrator's runtime finds the integration's workflow by it.
    board_id           text NOT NULL UNIQUE,
    name               text NOT NULL,
    description        text NOT NULL DEFAULT '',
    summary            text NOT NULL DEFAULT '',
    -- NULL answers the server's own placeholder image.
    image_url          text,
    screenshot_url     text,
    -- NULL: no schema, any object is accepted as variables.
    variables_schema   json,
    is_deployed        boolean NOT NULL DEFAULT false,
    -- NULL until UpdateIntegrationMetadata first runs; until then every template of the integration is used.
    metadata_set_at    timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX integrations_hub ON integrations (hub_id, id);
CREATE INDEX integrations_organisation ON integrations (organisation_id, id);

CREATE TABLE connection_templates (
    id                  text PRIMARY KEY,
    organisation_id     text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    integration_id      text NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    connector_id        text NOT NULL REFERENCES connectors(id) ON DELETE RESTRICT,
    auth_scheme_config  json NOT NULL,
    -- Listed in the integration's metadata; read only once metadata_set_at is set.
    is_used             boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX connection_templates_integration ON connection_templates (integration_id, id);
CREATE INDEX connection_templates_connector ON connection_templates (connector_id);

CREATE TABLE activations (
    id                 text PRIMARY KEY,
    organisation_id    text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    hub_id             text NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
    integration_id     text NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    end_user_id        text NOT NULL REFERENCES end_users(id) ON DELETE CASCADE,
    dynamic_variables  json NOT NULL DEFAULT '{}',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT activations_one_per_end_user UNIQUE (end_user_id, integration_id)
);
CREATE INDEX activations_end_user ON activations (end_user_id, id);
CREATE INDEX activations_integration ON activations (integration_id);

-- The connection bound to each template of an activation. Deleting a connection an activation uses is refused.
-- The check is deferred to commit: an end user's deletion cascades to its connections and to its activations in
-- an order PostgreSQL does not promise, and only at commit are both gone.
CREATE TABLE activation_connections (
    activation_id    text NOT NULL REFERENCES activations(id) ON DELETE CASCADE,
    template_id      text NOT NULL REFERENCES connection_templates(id) ON DELETE CASCADE,
    connection_id    text NOT NULL REFERENCES connections(id) ON DELETE NO ACTION
                     DEFERRABLE INITIALLY DEFERRED,
    organisation_id  text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    PRIMARY KEY (activation_id, template_id)
);
CREATE INDEX activation_connections_template ON activation_connections (template_id);
CREATE INDEX activation_connections_connection ON activation_connections (connection_id);
