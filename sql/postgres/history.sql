CREATE TABLE IF NOT EXISTS dhmig_schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum CHAR(64) NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    duration_ms BIGINT NOT NULL
);
