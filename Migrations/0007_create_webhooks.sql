-- Webhooks: endpoints an organisation subscribes, the outbox of events written in the same transaction as the
-- change each reports, and one delivery per webhook and event, claimed by the delivery worker under a lease.

CREATE TABLE webhooks (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    url              text NOT NULL,
    -- The event types delivered to it: known names, at least one.
    events           text[] NOT NULL,
    description      text NOT NULL DEFAULT '',
    -- The signing secret's bytes, sealed with the credential key ring (associated data names the webhook).
    sealed_secret    bytea NOT NULL,
    key_version      text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_organisation ON webhooks (organisation_id, id);

-- The outbox. `data` holds ids and names, never a secret.
CREATE TABLE webhook_events (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    type             text NOT NULL,
    data             json NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_events_created ON webhook_events (created_at);

-- One per webhook and event, made with the event for every webhook subscribed when it was written.
-- state: pending until a 2xx (delivered) or until retries run out (failed).
CREATE TABLE webhook_deliveries (
    webhook_id        text NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id          text NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
    organisation_id   text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    state             text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts          integer NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    -- The worker instance holding the delivery, and until when; past it another instance may claim it.
    lease_owner       text,
    lease_expires_at  timestamptz,
    last_status_code  integer,
    last_error        text,
    last_attempt_at   timestamptz,
    delivered_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
