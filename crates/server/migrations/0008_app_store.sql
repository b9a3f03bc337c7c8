-- App Store information of standard apps (issue #13). Same dialect rules as 0001: TEXT ids and RFC 3339
-- timestamps, BIGINT numbers, JSON as text; image bytes as BYTEA, a type name PostgreSQL knows and SQLite
-- stores a blob under unchanged.
--
-- One row per app that has App Store information: its revision is the ETag of
-- GET/PUT /applications/{app}/app-store, and every write (a save, a request, a decision) moves it on
-- with a guarded UPDATE, which serialises the writes of one app.
CREATE TABLE app_store (
    application_id TEXT PRIMARY KEY REFERENCES applications(id),
    revision BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);
-- The versions of the App Store information (appreg_core::AppStoreInfo as JSON, canonical, its images'
-- references as the server recorded them). The newest is the current one. state: 'draft', 'pending',
-- 'published', 'rejected', or NULL for a version that was published and has been replaced by a newer
-- published one. Saving edits the current version while it is a draft or rejected; when it is pending or
-- published a save adds a new draft, so approval publishes exactly the requested version.
CREATE TABLE app_store_versions (
    application_id TEXT NOT NULL REFERENCES applications(id),
    number BIGINT NOT NULL,
    info_json TEXT NOT NULL,
    state TEXT,
    created_at TEXT NOT NULL,
    -- The e-mail address of who made it.
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (application_id, number)
);
-- Listing names in use, one row per name (appreg_core::name_key): the current, pending and published
-- versions' names of each app. The primary key makes a name one app's, across partners, without locks.
CREATE TABLE app_store_names (
    name_key TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    listing_name TEXT NOT NULL
);
CREATE INDEX app_store_names_app ON app_store_names (application_id);
-- Uploaded logos and screenshots: the content type and size read from the bytes (sniff_image), never
-- from the upload's file name or content type.
CREATE TABLE app_store_images (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    -- 'logo' or 'screenshot': what it was uploaded as.
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    data BYTEA NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX app_store_images_app ON app_store_images (application_id);
-- Publish requests are of the configuration (as before) or of the App Store information; an App Store
-- request names the App Store version it asks for (approval publishes exactly that one).
ALTER TABLE publish_requests ADD COLUMN kind TEXT NOT NULL DEFAULT 'configuration';
ALTER TABLE publish_requests ADD COLUMN app_store_version BIGINT;
