-- The DhafnckMCP server's auth tables as its SQLAlchemy 2 models create
-- them on SQLite (fastmcp.auth.infrastructure.database.models, and
-- migrations/002 for email_tokens): created only when missing; a table the
-- application made first is adopted and never dropped or altered.
CREATE TABLE IF NOT EXISTS users (
    id UUID NOT NULL PRIMARY KEY,
    email VARCHAR(254) NOT NULL UNIQUE,
    username VARCHAR(150) NOT NULL UNIQUE,
    password_hash VARCHAR(255) NOT NULL,
    full_name VARCHAR(255),
    status VARCHAR(50) NOT NULL,
    roles JSON,
    email_verified BOOLEAN,
    email_verified_at DATETIME,
    last_login_at DATETIME,
    failed_login_attempts INTEGER,
    locked_until DATETIME,
    password_changed_at DATETIME,
    password_reset_token VARCHAR(255) UNIQUE,
    password_reset_expires DATETIME,
    refresh_token_family VARCHAR(255),
    refresh_token_version INTEGER,
    created_at DATETIME NOT NULL DEFAULT (CURRENT_TIMESTAMP),
    updated_at DATETIME NOT NULL DEFAULT (CURRENT_TIMESTAMP),
    created_by VARCHAR(255),
    project_ids JSON,
    default_project_id UUID,
    metadata JSON,
    CONSTRAINT check_email_not_empty CHECK (length(email) > 0),
    CONSTRAINT check_username_not_empty CHECK (length(username) > 0)
);

CREATE INDEX ix_users_email ON users (email);
CREATE INDEX ix_users_username ON users (username);
CREATE INDEX ix_users_status ON users (status);
CREATE INDEX ix_users_password_reset_token ON users (password_reset_token);
CREATE INDEX ix_users_refresh_token_family ON users (refresh_token_family);

CREATE TABLE IF NOT EXISTS user_sessions (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_token VARCHAR(255) NOT NULL UNIQUE,
    refresh_token VARCHAR(255) UNIQUE,
    ip_address VARCHAR(45),
    user_agent TEXT,
    device_info JSON,
    created_at DATETIME NOT NULL DEFAULT (CURRENT_TIMESTAMP),
    last_activity DATETIME NOT NULL DEFAULT (CURRENT_TIMESTAMP),
    expires_at DATETIME NOT NULL,
    revoked_at DATETIME,
    is_active BOOLEAN
);

CREATE INDEX ix_user_sessions_user_id ON user_sessions (user_id);
CREATE INDEX ix_user_sessions_session_token ON user_sessions (session_token);
CREATE INDEX ix_user_sessions_refresh_token ON user_sessions (refresh_token);
CREATE INDEX ix_user_sessions_is_active ON user_sessions (is_active);

CREATE TABLE IF NOT EXISTS email_tokens (
    token VARCHAR(255) PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    token_type VARCHAR(50) NOT NULL,
    token_hash VARCHAR(255) NOT NULL,
    expires_at DATETIME NOT NULL,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    used_at DATETIME NULL,
    is_used BOOLEAN DEFAULT 0,
    token_metadata TEXT NULL,
    user_id VARCHAR(255) NULL,
    ip_address VARCHAR(45) NULL,
    user_agent VARCHAR(500) NULL
);

CREATE INDEX idx_email_tokens_email ON email_tokens(email);
CREATE INDEX idx_email_tokens_type ON email_tokens(token_type);
CREATE INDEX idx_email_tokens_expires ON email_tokens(expires_at);
CREATE INDEX idx_email_tokens_created ON email_tokens(created_at);
CREATE INDEX idx_email_tokens_used ON email_tokens(is_used);
