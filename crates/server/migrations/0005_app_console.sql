-- The app console (issue #12). Same dialect rules as 0001: TEXT RFC 3339 timestamps (as db::now() writes
-- them, so they sort as text), nothing dialect-specific.
--
-- Deleting an app: one never published beyond SOD is deleted softly (status 'deleted'): its name_key
-- moves to a tombstone (name_key || ':deleted:' || id — ':' never occurs in a name, so it cannot collide)
-- and the original waits in deleted_name_key, so the name is free again; one published to Stage or
-- Production is deactivated (status 'deactivated', the name stays taken). Both are restorable for 30 days
-- from deleted_at; the purge removes deleted apps (and their rows) after that.
ALTER TABLE applications ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE applications ADD COLUMN deleted_at TEXT;
ALTER TABLE applications ADD COLUMN deleted_name_key TEXT;
CREATE INDEX applications_deleted ON applications (status, deleted_at);
-- The purge deletes children by application (client_ids, client_secrets and certificates have keys that
-- start with application_id).
CREATE INDEX publish_requests_app ON publish_requests (application_id);
CREATE INDEX idempotency_keys_app ON idempotency_keys (application_id);

-- Certificates get a description and an expiry date. Certificates from before this migration have no
-- expiry stored (NULL): they expire a year after they were created (computed when read).
ALTER TABLE certificates ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN expires_at TEXT;
