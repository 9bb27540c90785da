package main

// pgIndexesAfter is the issue's own reference point for PostgreSQL, run by
// psql: the guide's INSERT ... SELECT into auth_users with its indexes and
// constraints dropped, then built after the load, all in one transaction.
// It shows what the database itself does on this machine when it does not
// maintain the indexes row by row, next to the baseline that does; dhmig
// adds its bookkeeping (dhmig_user_map) on top of the same work. Like
// dhmig's rebuild it raises maintenance_work_mem and leaves parallel builds
// to the server's setting.
const pgIndexesAfter = `BEGIN;
SET LOCAL maintenance_work_mem = '256MB';
ALTER TABLE auth_refresh_tokens DROP CONSTRAINT auth_refresh_tokens_user_id_fkey;
ALTER TABLE auth_users DROP CONSTRAINT auth_users_pkey, DROP CONSTRAINT auth_users_email_key, DROP CONSTRAINT auth_users_username_key;
DROP INDEX idx_auth_users_email, idx_auth_users_username, idx_auth_users_status;
` + pgBaselineInsert + `;
ALTER TABLE auth_users ADD CONSTRAINT auth_users_pkey PRIMARY KEY (id);
ALTER TABLE auth_users ADD CONSTRAINT auth_users_email_key UNIQUE (email);
ALTER TABLE auth_users ADD CONSTRAINT auth_users_username_key UNIQUE (username);
CREATE INDEX idx_auth_users_email ON auth_users(email);
CREATE INDEX idx_auth_users_username ON auth_users(username);
CREATE INDEX idx_auth_users_status ON auth_users(status);
ALTER TABLE auth_refresh_tokens ADD CONSTRAINT auth_refresh_tokens_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES auth_users(id) ON DELETE CASCADE;
COMMIT;
`
