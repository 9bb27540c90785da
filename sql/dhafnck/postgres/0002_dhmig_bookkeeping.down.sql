DROP TABLE IF EXISTS dhmig_runs;
DROP TABLE IF EXISTS dhmig_rejects;
DROP TABLE IF EXISTS dhmig_user_map;
