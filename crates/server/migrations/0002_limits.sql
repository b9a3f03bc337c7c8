-- Per-caller rate limits shared by every instance: one row per (bucket, caller, fixed window), counted
-- with an atomic upsert. window_start is a Unix time in seconds; old windows are purged on a timer.
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    subject TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, subject, window_start)
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
