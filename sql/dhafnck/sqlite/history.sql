CREATE TABLE IF NOT EXISTS dhmig_schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum CHAR(64) NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    duration_ms INTEGER NOT NULL
);

-- Objects dhmig found in place of ones a version would create, and adopted
-- instead of creating: never dropped by dhmig. Created with the history
-- table, not by a version, because it must exist before 0001 is applied and
-- outlive 0001's revert, which consults it.
CREATE TABLE IF NOT EXISTS dhmig_adopted_objects (
    name TEXT PRIMARY KEY,
    kind VARCHAR(20) NOT NULL,
    version INTEGER NOT NULL,
    adopted_at TIMESTAMP NOT NULL
);
