-- Back to one row per legacy id: rows without an id, and all but one row of
-- a shared id, cannot be kept under the primary key.
DELETE FROM dhmig_rejects r WHERE r.legacy_id IS NULL
    OR r.ctid <> (SELECT min(x.ctid) FROM dhmig_rejects x WHERE x.legacy_id = r.legacy_id);
DROP INDEX IF EXISTS idx_dhmig_rejects_legacy_id;
ALTER TABLE dhmig_rejects ADD PRIMARY KEY (legacy_id);
