package config

import "strings"

// Setting describes one configurable value: its key in dhmig.yaml, the flag
// that sets it, and the environment names that set it, strongest first.
type Setting struct {
	Key     string
	Flag    string
	Env     []string
	Default string
	// Secret values are never shown; URL values show with the password masked.
	Secret bool
	URL    bool
	Help   string
}

// Settings are every value dhmig reads from its configuration layers. The
// guide's own names (DATABASE_URL, BACKUP_LOCATION, MIGRATION_LOG,
// MIGRATION_ENV, JWT_*, SMTP_*) follow dhmig's DHMIG_* names.
var Settings = []Setting{
	{Key: "database_url", Flag: "database-url", Env: []string{"DHMIG_DATABASE_URL", "DATABASE_URL"}, Default: "sqlite:///./dhafnck_mcp.db", URL: true, Help: "database to migrate"},
	{Key: "source_url", Flag: "source-url", Env: []string{"DHMIG_SOURCE_URL"}, Default: "", URL: true, Help: "database holding the legacy table, only read (default: the database to migrate)"},
	{Key: "target", Flag: "target", Env: []string{"DHMIG_TARGET"}, Default: "guide", Help: "auth tables to migrate into: guide (auth_users) or dhafnck (the server's users table)"},
	{Key: "backup_dir", Flag: "backup-dir", Env: []string{"DHMIG_BACKUP_DIR", "BACKUP_LOCATION"}, Default: "./backups", Help: "where backups are written"},
	{Key: "log_file", Flag: "log-file", Env: []string{"DHMIG_LOG_FILE", "MIGRATION_LOG"}, Default: "", Help: "migration log (JSON lines)"},
	{Key: "environment", Flag: "environment", Env: []string{"DHMIG_ENVIRONMENT", "MIGRATION_ENV"}, Default: "development", Help: "production asks before writing"},
	{Key: "lock_timeout", Flag: "lock-timeout", Env: []string{"DHMIG_LOCK_TIMEOUT"}, Default: "15s", Help: "how long to wait for another writer"},
	{Key: "connect_timeout", Flag: "connect-timeout", Env: []string{"DHMIG_CONNECT_TIMEOUT"}, Default: "10s", Help: "how long to wait for the server"},
	appSetting("jwt_secret_key", "", true),
	appSetting("jwt_access_token_expire_minutes", "15", false),
	appSetting("jwt_refresh_token_expire_days", "30", false),
	appSetting("jwt_algorithm", "HS256", false),
	appSetting("jwt_private_key_path", "", false),
	appSetting("jwt_public_key_path", "", false),
	appSetting("smtp_host", "", false),
	appSetting("smtp_port", "587", false),
	appSetting("smtp_user", "", false),
	appSetting("smtp_password", "", true),
	appSetting("smtp_from_email", "", false),
	// The links and support address of notify's letter (docs/notify.md).
	{Key: "notify_support_email", Env: []string{"DHMIG_NOTIFY_SUPPORT_EMAIL", "NOTIFY_SUPPORT_EMAIL"}, Help: "support address in notify's letter"},
	{Key: "notify_guide_url", Env: []string{"DHMIG_NOTIFY_GUIDE_URL", "NOTIFY_GUIDE_URL"}, Help: "user guide link in notify's letter"},
	{Key: "notify_reset_url", Env: []string{"DHMIG_NOTIFY_RESET_URL", "NOTIFY_RESET_URL"}, Help: "password reset page in notify's letter"},
	appSetting("password_min_length", "8", false),
	appSetting("max_login_attempts", "5", false),
	appSetting("account_lockout_duration_minutes", "30", false),
	// smoke's server and the guide's API paths; its flags are its own, so
	// the command applies them over these.
	{Key: "smoke_server_url", Env: []string{"DHMIG_SMOKE_SERVER_URL"}, Default: "", URL: true, Help: "the app's base URL for smoke"},
	{Key: "smoke_login_path", Env: []string{"DHMIG_SMOKE_LOGIN_PATH"}, Default: "/api/auth/login", Help: "smoke: the login endpoint"},
	{Key: "smoke_refresh_path", Env: []string{"DHMIG_SMOKE_REFRESH_PATH"}, Default: "/api/auth/refresh", Help: "smoke: the refresh endpoint"},
	{Key: "smoke_protected_path", Env: []string{"DHMIG_SMOKE_PROTECTED_PATH"}, Default: "/api/protected-endpoint", Help: "smoke: a protected GET endpoint"},
}

// appSetting is one of the application's own settings (the guide's Step 3),
// read from DHMIG_<NAME> or <NAME>.
func appSetting(key, def string, secret bool) Setting {
	up := strings.ToUpper(key)
	return Setting{Key: key, Env: []string{"DHMIG_" + up, up}, Default: def, Secret: secret}
}

// Lookup finds a setting by key.
func Lookup(key string) (Setting, bool) {
	for _, s := range Settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}
