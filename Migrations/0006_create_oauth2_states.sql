-- Pending OAuth 2.0 authorizations, from InitialiseOAuth2EmbeddedConnection to GET /oauth2/callback. The `state`
-- the provider echoes back is stored only as its SHA-256, so reading this table cannot complete anyone's flow; the
-- PKCE verifier is sealed under the credential key ring. The first callback spends a row (`used_at`); the row stays
-- until it expires so a replayed callback still finds the `return_url` to send its error to.
CREATE TABLE oauth2_states (
    state_hash            bytea PRIMARY KEY,
    organisation_id       text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    hub_id                text NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
    connector_id          text NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
    end_user_id           text NOT NULL REFERENCES end_users(id) ON DELETE CASCADE,
    client_credential_id  text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    sealed_verifier       bytea NOT NULL,
    redirect_uri          text NOT NULL,
    return_url            text,
    connection_name       text NOT NULL,
    scopes                jsonb NOT NULL DEFAULT '[]',
    created_at            timestamptz NOT NULL DEFAULT now(),
    expires_at            timestamptz NOT NULL,
    used_at               timestamptz
);
CREATE INDEX oauth2_states_expires_at ON oauth2_states (expires_at);
