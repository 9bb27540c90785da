package backup

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestModesAndConfigRestore checks the backup's modes (dirs 0700, files
// 0600), that config files keep their original mode in the manifest, and
// that a restore with Config puts content and mode back.
func TestModesAndConfigRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg := dbtest.SQLite(t)
	db := openDB(t, tg)
	seed(t, db, 3)
	work := t.TempDir()
	cfgDir := filepath.Join(work, "config")
	if err := os.MkdirAll(filepath.Join(cfgDir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(cfgDir, "app.yaml")
	nested := filepath.Join(cfgDir, "sub", "jwt.yaml")
	env := filepath.Join(work, ".env")
	for path, mode := range map[string]os.FileMode{app: 0o644, nested: 0o640, env: 0o600} {
		if err := os.WriteFile(path, []byte("original "+filepath.Base(path)+"\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(work, "backups")
	m := create(t, db, Options{Dir: dir, ConfigDirs: []string{cfgDir}, EnvFile: env})

	want := map[string]string{"config/config/app.yaml": "0644", "config/config/sub/jwt.yaml": "0640", "env/.env": "0600"}
	for _, f := range m.Files {
		if f.Role == RoleDatabase {
			continue
		}
		if want[f.Path] != f.Mode {
			t.Errorf("manifest %s: mode %q, want %q", f.Path, f.Mode, want[f.Path])
		}
		delete(want, f.Path)
	}
	if len(want) != 0 {
		t.Errorf("manifest lacks %v", want)
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		wantMode := fs.FileMode(0o600)
		if d.IsDir() {
			wantMode = 0o700
		}
		if st.Mode().Perm() != wantMode {
			t.Errorf("%s: mode %04o, want %04o", p, st.Mode().Perm(), wantMode)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, p := range []string{app, nested} {
		if err := os.WriteFile(p, []byte("changed\n"), 0o666); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(env); err != nil {
		t.Fatal(err)
	}
	p, err := planAndRestore(ctx, db, RestoreOptions{Dir: dir, Ref: m.ID, Config: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.ConfigFiles) != 3 {
		t.Errorf("plan config files = %v", p.ConfigFiles)
	}
	for path, mode := range map[string]os.FileMode{app: 0o644, nested: 0o640, env: 0o600} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(path)
		if string(b) != "original "+filepath.Base(path)+"\n" || st.Mode().Perm() != mode {
			t.Errorf("%s after restore: %q mode %04o, want original content and %04o", path, b, st.Mode().Perm(), mode)
		}
	}
}

// TestFailedBackupLeavesNoBackup: a backup that fails (a config dir that
// does not exist) leaves nothing that List or Find would take for a backup.
func TestFailedBackupLeavesNoBackup(t *testing.T) {
	t.Parallel()
	db := openDB(t, dbtest.SQLite(t))
	seed(t, db, 1)
	dir := t.TempDir()
	_, err := Create(context.Background(), db, Options{Dir: dir, ConfigDirs: []string{filepath.Join(dir, "nope")}})
	if err == nil {
		t.Fatal("backup with a missing config dir succeeded")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Fatalf("failed backup left %v behind", ents)
	}
}
