-- Back to one row per legacy id: rows without an id, and all but one row of
-- a shared id, cannot be kept under the primary key.
CREATE TABLE dhmig_rejects_old (
    legacy_id TEXT PRIMARY KEY,
    code VARCHAR(50) NOT NULL,
    field VARCHAR(100),
    run_id TEXT NOT NULL
);
INSERT OR IGNORE INTO dhmig_rejects_old (legacy_id, code, field, run_id)
    SELECT legacy_id, code, field, run_id FROM dhmig_rejects WHERE legacy_id IS NOT NULL ORDER BY rowid;
DROP TABLE dhmig_rejects;
ALTER TABLE dhmig_rejects_old RENAME TO dhmig_rejects;
