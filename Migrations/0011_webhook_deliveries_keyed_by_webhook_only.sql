-- Every event's deliveries are written by the statement that makes the change (the group-committed create among
-- them), and each foreign key costs that statement a check per delivery. A delivery needs only its webhook's:
-- it leaves with its webhook (that key cascades, and an organisation's deletion reaches it through its
-- webhooks) and with its event when the worker prunes the event (WebhookDeliveryQueue.prune deletes both).
ALTER TABLE webhook_deliveries
    DROP CONSTRAINT webhook_deliveries_event_id_fkey,
    DROP CONSTRAINT webhook_deliveries_organisation_id_fkey;
