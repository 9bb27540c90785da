-- A legacy row can be rejected for having no id, or for sharing its id with
-- other rows: dhmig_rejects holds one row per rejected legacy row, found by
-- legacy_id (NULL for a row without one) but no longer keyed by it.
ALTER TABLE dhmig_rejects DROP CONSTRAINT dhmig_rejects_pkey;
ALTER TABLE dhmig_rejects ALTER COLUMN legacy_id DROP NOT NULL;
CREATE INDEX idx_dhmig_rejects_legacy_id ON dhmig_rejects (legacy_id);
