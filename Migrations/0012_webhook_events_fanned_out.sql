-- A change writes only its event; the delivery worker makes the deliveries, in batches (WebhookFanOut), so a
-- request pays for one row and not one per subscribed webhook. `fanned_out` is false from the moment the event is
-- written (the code writes it explicitly) until the transaction that makes its deliveries. The default is true:
-- events already here have their deliveries, and so do the events of a previous release still running beside
-- this one during a rolling upgrade (it makes them itself and leaves the column out).
ALTER TABLE webhook_events ADD COLUMN fanned_out boolean NOT NULL DEFAULT true;
-- The events still to fan out: the worker takes them oldest first, a listing of deliveries those of its
-- organisation. Small, since the worker empties it within a poll interval.
CREATE INDEX webhook_events_unfanned ON webhook_events (organisation_id, id) WHERE NOT fanned_out;
-- The primary key is a ULID, time-ordered like created_at: pruning reads its range instead, and every event written
-- pays one index entry fewer.
DROP INDEX webhook_events_created;
-- The statement that makes a change writes its event, and a foreign key costs that statement a check per event
-- (a key-share lock on the organisation's row, which every concurrent create takes). The organisation is the
-- authenticated caller's, so it exists; should an operator delete one, its webhooks and their deliveries go by
-- cascade, and its events fan out to nothing and are pruned after WEBHOOK_RETAIN_HOURS.
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_organisation_id_fkey;
