-- A legacy row can be rejected for having no id, or for sharing its id with
-- other rows: dhmig_rejects holds one row per rejected legacy row, found by
-- legacy_id (NULL for a row without one) but no longer keyed by it. SQLite
-- cannot drop a primary key: the table (dhmig's own) is rebuilt.
ALTER TABLE dhmig_rejects RENAME TO dhmig_rejects_keyed;
CREATE TABLE dhmig_rejects (
    legacy_id TEXT,
    code VARCHAR(50) NOT NULL,
    field VARCHAR(100),
    run_id TEXT NOT NULL
);
INSERT INTO dhmig_rejects (legacy_id, code, field, run_id) SELECT legacy_id, code, field, run_id FROM dhmig_rejects_keyed;
DROP TABLE dhmig_rejects_keyed;
CREATE INDEX idx_dhmig_rejects_legacy_id ON dhmig_rejects (legacy_id);
