-- Back to one row per legacy id: rows without an id, and all but one row of
-- a shared id, cannot be kept under the primary key.
ALTER TABLE dhmig_rejects RENAME TO dhmig_rejects_per_row;
CREATE TABLE dhmig_rejects (
    legacy_id TEXT PRIMARY KEY,
    code VARCHAR(50) NOT NULL,
    field VARCHAR(100),
    run_id TEXT NOT NULL
);
INSERT OR IGNORE INTO dhmig_rejects (legacy_id, code, field, run_id)
    SELECT legacy_id, code, field, run_id FROM dhmig_rejects_per_row WHERE legacy_id IS NOT NULL ORDER BY rowid;
DROP TABLE dhmig_rejects_per_row;
