-- The outbox's sent and failed rows are deleted once they are RETENTION_DAYS old (mail/outbox.rs,
-- run by the purge timer with the other expired state): their bodies carry addresses and names, and a
-- row is only needed as long as its event could be fired again. The purge is one indexed DELETE.
CREATE INDEX outbox_created ON outbox (created_at);
