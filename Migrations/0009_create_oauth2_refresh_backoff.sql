-- Token refreshes that failed for a passing reason (the provider unreachable or answering badly). The next try
-- waits, doubling from 30 seconds up to an hour, so a provider that is down is not called on every pass; a
-- renewal or a refusal (invalid_grant) removes the row.
CREATE TABLE oauth2_refresh_backoff (
    credential_id  text PRIMARY KEY REFERENCES credentials(id) ON DELETE CASCADE,
    failures       integer NOT NULL,
    retry_at       timestamptz NOT NULL
);
