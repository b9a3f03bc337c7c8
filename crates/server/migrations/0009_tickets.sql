-- The Messaging Center (issue #14): every publish request is a ticket, a conversation between the
-- partner's users and the app managers. Same dialect rules as 0001: TEXT ids and RFC 3339 timestamps,
-- BIGINT numbers and flags, attachment bytes as BYTEA (SQLite stores a blob under it unchanged).
--
-- One ticket per publish request, made in the request's transaction. state: 'open' (the app managers'
-- turn), 'waiting_for_partner' or 'closed'. last_seq numbers the ticket's messages: adding one is a
-- guarded UPDATE of the ticket (last_seq + 1), which serialises the writes of one ticket.
CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    partner_id TEXT NOT NULL REFERENCES partners(id),
    publish_request_id TEXT NOT NULL UNIQUE REFERENCES publish_requests(id),
    -- The request's kind ('configuration' or 'app-store') and environment, as the request has them.
    kind TEXT NOT NULL,
    environment TEXT NOT NULL,
    subject TEXT NOT NULL,
    state TEXT NOT NULL,
    last_seq BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX tickets_partner ON tickets (partner_id, updated_at);
CREATE INDEX tickets_updated ON tickets (updated_at);
CREATE INDEX tickets_app ON tickets (application_id);
-- Messages, numbered 1, 2, … per ticket. The author's name and e-mail as they were when written;
-- is_system: written by the portal for a request or a decision.
CREATE TABLE ticket_messages (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    seq BIGINT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users(id),
    author_name TEXT NOT NULL,
    author_email TEXT NOT NULL,
    from_app_manager BIGINT NOT NULL,
    is_system BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (ticket_id, seq)
);
-- Images sent with a message: the content type read from the bytes (PNG, JPEG, GIF), never from the
-- file name or the part's content type; the file name only to show and to name a download.
CREATE TABLE ticket_attachments (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    message_id TEXT NOT NULL REFERENCES ticket_messages(id),
    ord BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    data BYTEA NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ticket_attachments_ticket ON ticket_attachments (ticket_id);
-- How far each user has read each ticket: the last message number seen. A user's unread messages are
-- the others' messages after it.
CREATE TABLE ticket_reads (
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
);
-- The publish requests made before tickets existed get theirs: the request as the first message and,
-- when decided, the decision as the second.
INSERT INTO tickets (id, application_id, partner_id, publish_request_id, kind, environment, subject,
                     state, last_seq, created_at, updated_at)
SELECT 't' || r.id, r.application_id, a.partner_id, r.id, r.kind, r.environment,
       CASE WHEN r.kind = 'app-store' THEN 'Publish the App Store listing of ' || a.name
            WHEN r.environment = 'stage' THEN 'Publish ' || a.name || ' to Stage'
            ELSE 'Publish ' || a.name || ' to Production' END,
       CASE r.state WHEN 'pending' THEN 'open' WHEN 'rejected' THEN 'waiting_for_partner' ELSE 'closed' END,
       CASE WHEN r.state = 'pending' OR r.decided_by IS NULL THEN 1 ELSE 2 END,
       r.created_at, COALESCE(r.decided_at, r.created_at)
FROM publish_requests r JOIN applications a ON a.id = r.application_id;
INSERT INTO ticket_messages (id, ticket_id, seq, author_id, author_name, author_email, from_app_manager,
                             is_system, body, created_at)
SELECT 'm' || r.id, 't' || r.id, 1, u.id, u.name, u.email, 0, 1,
       CASE WHEN r.message = '' THEN 'Requested publication.' ELSE r.message END, r.created_at
FROM publish_requests r JOIN users u ON u.id = r.requested_by;
INSERT INTO ticket_messages (id, ticket_id, seq, author_id, author_name, author_email, from_app_manager,
                             is_system, body, created_at)
SELECT 'd' || r.id, 't' || r.id, 2, u.id, u.name, u.email, 1, 1,
       CASE WHEN r.state = 'rejected' THEN 'Rejected: ' || COALESCE(r.reason, '') ELSE 'Approved.' END,
       COALESCE(r.decided_at, r.created_at)
FROM publish_requests r JOIN users u ON u.id = r.decided_by
WHERE r.state <> 'pending';
