-- The guide's authentication schema, SQLite's faithful equivalent: ids are
-- lowercase UUID text (the default mimics gen_random_uuid()), roles are JSON
-- text, booleans 0/1, timestamps UTC text; CHECKs enforce what VARCHAR(n)
-- enforces on PostgreSQL.
CREATE TABLE IF NOT EXISTS auth_users (
    id TEXT PRIMARY KEY NOT NULL DEFAULT (lower(
        hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
        substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    email VARCHAR(255) UNIQUE NOT NULL CHECK (length(email) <= 255),
    username VARCHAR(100) UNIQUE NOT NULL CHECK (length(username) <= 100),
    password_hash TEXT NOT NULL,
    status VARCHAR(50) DEFAULT 'pending_verification' CHECK (length(status) <= 50),
    roles TEXT DEFAULT '["user"]',
    is_locked BOOLEAN DEFAULT 0,
    failed_login_attempts INTEGER DEFAULT 0,
    locked_at TIMESTAMP,
    lock_reason TEXT,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    verified_at TIMESTAMP,
    last_login_at TIMESTAMP
);

CREATE INDEX idx_auth_users_email ON auth_users(email);
CREATE INDEX idx_auth_users_username ON auth_users(username);
CREATE INDEX idx_auth_users_status ON auth_users(status);

CREATE TABLE IF NOT EXISTS auth_refresh_tokens (
    id TEXT PRIMARY KEY NOT NULL DEFAULT (lower(
        hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
        substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    user_id TEXT REFERENCES auth_users(id) ON DELETE CASCADE,
    token_family TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE INDEX idx_refresh_tokens_user_id ON auth_refresh_tokens(user_id);
CREATE INDEX idx_refresh_tokens_family ON auth_refresh_tokens(token_family);
