-- E-mail through a durable outbox (issue #14). Same dialect rules as 0001: TEXT ids and RFC 3339
-- timestamps (as db::now() writes them, so they sort as text), BIGINT numbers and flags, nothing
-- dialect-specific; inserts use ON CONFLICT … DO NOTHING, which SQLite and PostgreSQL both know.
--
-- One row per e-mail, written in the transaction of the change it tells about. event_key is the dedupe
-- key ("publish-approved:<request id>:<recipient>", "expiry:secret:<id>:7d:<recipient>"): the same event
-- can never make a second row, so a retried request, a second instance or a restarted reminder scan
-- sends nothing twice. Workers on every instance claim due rows with a lease (lease_owner, lease_until),
-- send them and mark them sent; a failure counts an attempt and waits (exponential backoff) until
-- next_attempt_at. state: 'pending', 'sent', or 'failed' (refused for good, or too many attempts).
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    event_key TEXT NOT NULL UNIQUE,
    -- the notification kind (publish-requests, publish-decisions, ticket-replies, expiry-reminders)
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    -- the signed unsubscribe link of this recipient and kind (List-Unsubscribe)
    unsubscribe_url TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_owner TEXT,
    lease_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
-- Which kinds of e-mail a recipient gets: no row means on. subject is a user's id, or
-- 'email:<address>' for a recipient without an account (a technical contact or an error e-mail
-- recipient), so the unsubscribe link works for them too.
CREATE TABLE notification_prefs (
    subject TEXT NOT NULL,
    kind TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (subject, kind)
);
-- The key of the unsubscribe links' HMAC: one row, made by the first instance that needs it (every
-- instance reads the same key).
CREATE TABLE mail_key (
    id BIGINT PRIMARY KEY,
    key_hex TEXT NOT NULL,
    created_at TEXT NOT NULL
);
