-- Session and token hardening (issue #10, section 3). Same dialect rules as 0001: TEXT RFC 3339 timestamps
-- (as db::now() writes them, so they sort as text), BIGINT counters, nothing dialect-specific.
--
-- Sessions get a public id (the session list names a session by it, never by its token hash), the time it
-- was last used (sliding idle expiry; `expires_at` stays the absolute end), and where it was opened.
-- Sessions from before this migration have none of these and no absolute lifetime: they end here, and
-- their users sign in again.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN id TEXT;
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX sessions_id ON sessions (id);
CREATE INDEX sessions_user ON sessions (user_id);
-- The purge deletes by these two.
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

-- API tokens expire (at most a year) and have a scope: 'read' (GET/HEAD only) or 'write'. Tokens from
-- before this migration keep 'write' and expire a year after they were created (expires_at NULL).
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write';

-- Sign-in throttling: one row per subject (an account, an address, an account at an address), changed
-- only by single conditional UPDATEs, so parallel attempts cannot pass a limit together.
CREATE TABLE sign_in_throttle (
    subject TEXT PRIMARY KEY,
    -- failed (or in-flight) attempts since the last quiet window
    failures BIGINT NOT NULL,
    -- no attempt is verified before this time
    next_at TEXT NOT NULL,
    -- the last attempt; failures older than the window are forgotten
    last_at TEXT NOT NULL
);
CREATE INDEX sign_in_throttle_last ON sign_in_throttle (last_at);

-- Indexed deletes for the purge timer.
CREATE INDEX sign_in_failures_at ON sign_in_failures (at);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
