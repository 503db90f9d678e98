-- The W3C trace context of the work that wrote each event (the request, or a background token refresh): every
-- delivery attempt continues that trace, so a receiver's spans join the request's. Nullable and without a
-- default, so adding them rewrites nothing; events written before have none and their deliveries start a trace.
ALTER TABLE webhook_events ADD COLUMN traceparent text, ADD COLUMN tracestate text;
