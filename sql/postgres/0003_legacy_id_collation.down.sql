ALTER TABLE dhmig_rejects ALTER COLUMN legacy_id TYPE TEXT COLLATE "default";
ALTER TABLE dhmig_user_map ALTER COLUMN legacy_id TYPE TEXT COLLATE "default";
