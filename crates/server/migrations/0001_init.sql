-- One schema for SQLite and PostgreSQL: TEXT ids (random), TEXT RFC 3339 timestamps, BIGINT flags,
-- JSON text for URL lists. Uniqueness is guarded by constraints, never by in-process locks.
CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    app_manager BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE memberships (
    user_id TEXT NOT NULL REFERENCES users(id),
    partner_id TEXT NOT NULL REFERENCES partners(id),
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, partner_id)
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners(id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    template TEXT NOT NULL,
    app_type TEXT NOT NULL,
    capabilities TEXT NOT NULL,
    technical_contact TEXT NOT NULL,
    redirect_urls TEXT NOT NULL,
    post_logout_urls TEXT NOT NULL,
    cors_urls TEXT NOT NULL,
    endpoints TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (partner_id, name_key)
);
CREATE INDEX applications_partner ON applications (partner_id, name_key);
CREATE TABLE client_ids (
    application_id TEXT NOT NULL REFERENCES applications(id),
    environment TEXT NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    PRIMARY KEY (application_id, environment)
);
CREATE TABLE client_secrets (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    environment TEXT NOT NULL,
    -- 0 or 1 while live, NULL once revoked: UNIQUE allows at most two live secrets per environment.
    slot BIGINT,
    description TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    last4 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    UNIQUE (application_id, environment, slot)
);
CREATE TABLE certificates (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    environment TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (application_id, environment)
);
CREATE TABLE publish_requests (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    environment TEXT NOT NULL,
    message TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    requested_by TEXT NOT NULL,
    decided_by TEXT,
    created_at TEXT NOT NULL,
    decided_at TEXT
);
CREATE TABLE idempotency_keys (
    partner_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    application_id TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (partner_id, idem_key)
);
CREATE TABLE sign_in_failures (
    subject TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, at);
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    actor_id TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    at TEXT NOT NULL
);
