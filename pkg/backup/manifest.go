package backup

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// ManifestName is the file in every backup directory that describes it.
const ManifestName = "manifest.json"

// File roles in a manifest.
const (
	RoleDatabase = "database"
	RoleConfig   = "config"
	RoleEnv      = "env"
)

// Reasons a backup was taken.
const (
	ReasonManual = "manual"
	// ReasonSafety marks the copy of the current state that rollback takes
	// before restoring; "latest" never picks one.
	ReasonSafety = "pre-rollback"
)

// Backup formats.
const (
	FormatSQLite = "sqlite"
	FormatCustom = "custom"
	FormatPlain  = "plain"
)

// Manifest describes one backup; it never holds a password.
type Manifest struct {
	ID           string    `json:"id"`
	CreatedAt    time.Time `json:"created_at"`
	DhmigVersion string    `json:"dhmig_version"`
	Reason       string    `json:"reason"`
	Database     DBInfo    `json:"database"`
	// RowCounts holds the CountedTables that exist: legacy_users and the
	// user table of each target (auth_users, users).
	RowCounts map[string]int64 `json:"row_counts"`
	Files     []File           `json:"files"`
	// ConfigDirs are the directories copied (absolute), so a rollback can
	// take its safety copy of the same ones.
	ConfigDirs []string `json:"config_dirs"`
	// Source describes the legacy table of another database the migration
	// reads (--source-url), as it was when the backup was taken; that
	// database is not in the backup and a restore never touches it.
	Source *SourceInfo `json:"source,omitempty"`
}

// SourceInfo identifies the legacy rows of a source database, password-free.
type SourceInfo struct {
	Kind     database.Kind `json:"kind"`
	Identity string        `json:"identity"`
	Display  string        `json:"display"`
	Table    string        `json:"table"`
	Rows     int64         `json:"rows"`
	// SHA256 is the checksum of the legacy rows (usermigrate.Fingerprint).
	SHA256 string `json:"sha256"`
}

// DBInfo is what was backed up, password-free.
type DBInfo struct {
	Kind database.Kind `json:"kind"`
	// Identity is the absolute file path for SQLite and host:port/name for
	// PostgreSQL.
	Identity      string `json:"identity"`
	Display       string `json:"display"`
	ServerVersion string `json:"server_version"`
	Format        string `json:"format"`
	// DumpTool is the pg_dump that wrote the archive (PostgreSQL only).
	DumpTool *Tool `json:"dump_tool,omitempty"`
	// Tables are the tables the backup holds (current schema).
	Tables []string `json:"tables"`
	// Empty says the database held no table when it was backed up (a
	// fresh target): an archive without entries is then the whole of it,
	// and restoring the backup empties the database.
	Empty bool `json:"empty,omitempty"`
}

// File is one file of a backup, by its path relative to the backup
// directory, with the mode and place it was copied from (config files).
type File struct {
	Path   string `json:"path"`
	Role   string `json:"role"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	Mode   string `json:"mode,omitempty"`
	Source string `json:"source,omitempty"`
}

// DatabaseFile is the manifest's database file.
func (m Manifest) DatabaseFile() (File, bool) {
	for _, f := range m.Files {
		if f.Role == RoleDatabase {
			return f, true
		}
	}
	return File{}, false
}

// Size is the total size of the backup's files.
func (m Manifest) Size() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

func writeManifest(dir string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileSync(filepath.Join(dir, ManifestName), append(b, '\n'))
}

// readManifest reads the manifest of the backup directory dir.
func readManifest(dir string) (Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return Manifest{}, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return Manifest{}, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestName), err)
	}
	if m.ID == "" || m.Database.Kind == "" {
		return Manifest{}, fmt.Errorf("%s: no id or database kind", filepath.Join(dir, ManifestName))
	}
	return m, nil
}
