-- dhmig notify's ledger for the dhafnck target, as the guide target's 0005
-- defines it but referencing the app's users table: one row per user and
-- letter (the template's sha256), so that each user is sent each letter at
-- most once. A row is 'sending' from just before the SMTP transaction until
-- the server's answer is recorded: one left so by a crash is "in doubt".
-- The error text never holds the recipient's address. user_id has the type
-- of users.id, as dhmig_user_map.user_id does.
CREATE TABLE dhmig_notifications (
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    template_sha256 VARCHAR(64) NOT NULL,
    status VARCHAR(20) NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error_code VARCHAR(20),
    last_error TEXT,
    message_id TEXT,
    run_id TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    PRIMARY KEY (user_id, template_sha256)
);
CREATE INDEX idx_dhmig_notifications_status ON dhmig_notifications(template_sha256, status);
