package main

import "strings"

// pgIndexesAfter is the copy target's own reference point for PostgreSQL, run by
// psql: the guide's INSERT ... SELECT into auth_users with its indexes and
// constraints dropped, then built after the load, all in one transaction.
// It shows what the database itself does on this machine when it does not
// maintain the indexes row by row, next to the baseline that does. Like
// dhmig's rebuild it raises maintenance_work_mem and leaves parallel builds
// to the server's setting.
const pgIndexesAfter = `BEGIN;
SET LOCAL maintenance_work_mem = '256MB';
` + pgDropAuthKeys + pgBaselineInsert + `;
` + pgRebuildAuthKeys + `COMMIT;
`

// pgIndexesAfterWithMap is the same reference doing all of dhmig's work:
// it also fills dhmig_user_map (DESIGN.md's bookkeeping, which the
// baseline does not write) and rebuilds its primary key, index and foreign
// key, and (like dhmig's SuspendIndexes) lets go of dhmig_notifications'
// foreign key on auth_users' primary key while that is rebuilt. User ids
// are derived from the legacy ids in SQL, so that the mapping needs no
// join; work_mem is raised for the foreign key's validation, as
// dhmig raises it. Run on dhmig's full schema (dhmig schema up), it is the
// database's own best at what dhmig does, set-based, on one backend.
var pgIndexesAfterWithMap = `BEGIN;
SET LOCAL maintenance_work_mem = '256MB';
SET LOCAL work_mem = '256MB';
ALTER TABLE dhmig_user_map DROP CONSTRAINT dhmig_user_map_user_id_fkey, DROP CONSTRAINT dhmig_user_map_pkey;
DROP INDEX idx_dhmig_user_map_user_id;
ALTER TABLE dhmig_notifications DROP CONSTRAINT dhmig_notifications_user_id_fkey;
` + pgDropAuthKeys + withLegacyUUIDs(pgBaselineInsert) + `;
INSERT INTO dhmig_user_map (legacy_id, user_id, hash_scheme, run_id)
SELECT CAST(id AS TEXT), ` + pgLegacyUUID + `, 'bcrypt', 'reference' FROM legacy_users;
` + pgRebuildAuthKeys + `ALTER TABLE dhmig_user_map ADD CONSTRAINT dhmig_user_map_pkey PRIMARY KEY (legacy_id);
CREATE INDEX idx_dhmig_user_map_user_id ON dhmig_user_map(user_id);
ALTER TABLE dhmig_user_map ADD CONSTRAINT dhmig_user_map_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES auth_users(id) ON DELETE CASCADE;
ALTER TABLE dhmig_notifications ADD CONSTRAINT dhmig_notifications_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES auth_users(id) ON DELETE CASCADE;
COMMIT;
`

const pgDropAuthKeys = `ALTER TABLE auth_refresh_tokens DROP CONSTRAINT auth_refresh_tokens_user_id_fkey;
ALTER TABLE auth_users DROP CONSTRAINT auth_users_pkey, DROP CONSTRAINT auth_users_email_key, DROP CONSTRAINT auth_users_username_key;
DROP INDEX idx_auth_users_email, idx_auth_users_username, idx_auth_users_status;
`

const pgRebuildAuthKeys = `ALTER TABLE auth_users ADD CONSTRAINT auth_users_pkey PRIMARY KEY (id);
ALTER TABLE auth_users ADD CONSTRAINT auth_users_email_key UNIQUE (email);
ALTER TABLE auth_users ADD CONSTRAINT auth_users_username_key UNIQUE (username);
CREATE INDEX idx_auth_users_email ON auth_users(email);
CREATE INDEX idx_auth_users_username ON auth_users(username);
CREATE INDEX idx_auth_users_status ON auth_users(status);
ALTER TABLE auth_refresh_tokens ADD CONSTRAINT auth_refresh_tokens_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES auth_users(id) ON DELETE CASCADE;
`

// pgLegacyUUID is a user id made from an integer legacy id (legacygen's),
// cheaply: its hex digits, zero-padded to 32.
const pgLegacyUUID = `lpad(to_hex(id), 32, '0')::uuid`

// withLegacyUUIDs makes the baseline's INSERT write pgLegacyUUID ids.
func withLegacyUUIDs(insert string) string {
	insert = strings.Replace(insert, "INSERT INTO auth_users (", "INSERT INTO auth_users (id, ", 1)
	return strings.Replace(insert, "\nSELECT ", "\nSELECT "+pgLegacyUUID+", ", 1)
}
