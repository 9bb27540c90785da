-- dhmig's bookkeeping for the dhafnck target, in the shape the guide
-- target's versions 0002-0004 leave it: which legacy row became which
-- users row, the rows the latest run rejected (one row each, found by
-- legacy_id), and an audit row per writing command.
CREATE TABLE dhmig_user_map (
    legacy_id TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    temp_password BOOLEAN NOT NULL DEFAULT 0,
    hash_scheme VARCHAR(50) NOT NULL,
    migrated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    run_id TEXT NOT NULL
);
CREATE INDEX idx_dhmig_user_map_user_id ON dhmig_user_map(user_id);

CREATE TABLE dhmig_rejects (
    legacy_id TEXT,
    code VARCHAR(50) NOT NULL,
    field VARCHAR(100),
    run_id TEXT NOT NULL
);
CREATE INDEX idx_dhmig_rejects_legacy_id ON dhmig_rejects (legacy_id);

CREATE TABLE dhmig_runs (
    id TEXT PRIMARY KEY,
    command VARCHAR(50) NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    outcome VARCHAR(20) NOT NULL,
    dry_run BOOLEAN NOT NULL DEFAULT 0,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_migrated INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    backup_id TEXT,
    dhmig_version TEXT NOT NULL,
    os_user TEXT NOT NULL,
    details TEXT
);
