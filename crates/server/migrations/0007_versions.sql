-- Versions and the change log (issue #13). Same dialect rules as 0001: TEXT ids and RFC 3339 timestamps,
-- BIGINT numbers, JSON as text, nothing dialect-specific.
--
-- A version is a labelled snapshot of an app's configuration (appreg_core::AppConfig as JSON) with its
-- state per environment: NULL (never there), 'draft' (SOD only), 'published', 'pending' or 'rejected'.
-- The newest version is the current one: the applications row mirrors its configuration. Apps created
-- before this migration get version 1 ("Initial", published to SOD, Stage and Production as the app's
-- client_ids say) the first time their versions are read or written (store::versions::ensure_initial):
-- the configuration is JSON the database cannot build portably.
CREATE TABLE versions (
    application_id TEXT NOT NULL REFERENCES applications(id),
    number BIGINT NOT NULL,
    label TEXT NOT NULL,
    config_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- The e-mail address of who made it ('' when unknown).
    created_by TEXT NOT NULL,
    sod_state TEXT,
    stage_state TEXT,
    production_state TEXT,
    PRIMARY KEY (application_id, number)
);
-- One entry per save: who (e-mail), what (create, edit, new-version, publish, request, approve, reject),
-- the diff ({"changes": [FieldChange], "summary": [text]}) and the version's configuration after it.
CREATE TABLE change_log (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    -- 1, 2, … per app, in the order of the saves (each save first updates the applications row, which
    -- serialises them): newest first is ORDER BY seq DESC, even within one millisecond.
    seq BIGINT NOT NULL,
    version BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    diff_json TEXT NOT NULL,
    snapshot_json TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE UNIQUE INDEX change_log_app ON change_log (application_id, seq);
-- The version a publish request asks for; NULL for requests made before versions (approval then
-- publishes the current version).
ALTER TABLE publish_requests ADD COLUMN version BIGINT;
