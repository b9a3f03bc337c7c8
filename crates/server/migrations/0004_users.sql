-- User administration (`appreg partner add`, `appreg user add|disable`): demo accounts are marked, so a
-- server started without --demo refuses them, and a disabled user can neither sign in nor use a session
-- or an API token. Same dialect rules as 0001: BIGINT flags, TEXT RFC 3339 timestamps.
ALTER TABLE users ADD COLUMN demo BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled_at TEXT;
-- Databases seeded by `--demo` before this migration: their demo users, by the seed's well-known emails.
UPDATE users SET demo = 1 WHERE email IN
    ('admin@demo.test', 'dev@demo.test', 'marketing@demo.test', 'other@demo.test', 'appmanager@demo.test');
