-- dhmig's bookkeeping: which legacy row became which auth user, which rows
-- the latest run rejected, and an audit row per writing command.
CREATE TABLE dhmig_user_map (
    legacy_id TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
    temp_password BOOLEAN NOT NULL DEFAULT FALSE,
    hash_scheme VARCHAR(50) NOT NULL,
    migrated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    run_id TEXT NOT NULL
);
CREATE INDEX idx_dhmig_user_map_user_id ON dhmig_user_map(user_id);

CREATE TABLE dhmig_rejects (
    legacy_id TEXT PRIMARY KEY,
    code VARCHAR(50) NOT NULL,
    field VARCHAR(100),
    run_id TEXT NOT NULL
);

CREATE TABLE dhmig_runs (
    id TEXT PRIMARY KEY,
    command VARCHAR(50) NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    outcome VARCHAR(20) NOT NULL,
    dry_run BOOLEAN NOT NULL DEFAULT FALSE,
    rows_read BIGINT NOT NULL DEFAULT 0,
    rows_migrated BIGINT NOT NULL DEFAULT 0,
    rows_rejected BIGINT NOT NULL DEFAULT 0,
    backup_id TEXT,
    dhmig_version TEXT NOT NULL,
    os_user TEXT NOT NULL,
    details TEXT
);
