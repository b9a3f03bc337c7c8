-- "Send error e-mails" of integration apps (issue #12). Same dialect rules as 0001: a BIGINT flag and a
-- JSON text list, nothing dialect-specific. Every app starts with it off and no recipients; only
-- templates with integration endpoints may change that (EP-ERROR-EMAIL, checked by the core).
ALTER TABLE applications ADD COLUMN error_emails_send BIGINT NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN error_email_recipients TEXT NOT NULL DEFAULT '[]';
