package backup

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// recordingTools puts pg_dump and psql wrappers first on PATH that log
// their argv, the names of their environment and the mode of the service
// file they were handed, then run the real program. Not parallel: PATH is
// the process's.
func recordingTools(t *testing.T) (argvLog, envLog string) {
	t.Helper()
	dir := t.TempDir()
	argvLog, envLog = filepath.Join(dir, "argv.log"), filepath.Join(dir, "env.log")
	for _, name := range []string{"pg_dump", "psql", "pg_restore"} {
		real, err := exec.LookPath(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		script := "#!/bin/sh\n" +
			"for a in \"$0\" \"$@\"; do printf '%s\\n' \"$a\" >> '" + argvLog + "'; done\n" +
			"env | cut -d= -f1 >> '" + envLog + "'\n" +
			"if [ -n \"$PGSERVICEFILE\" ]; then echo \"servicefile-mode=$(stat -c %a \"$PGSERVICEFILE\")\" \"servicefile-path=$PGSERVICEFILE\" >> '" + envLog + "'; fi\n" +
			"exec '" + real + "' \"$@\"\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return argvLog, envLog
}

// Every password-like secret of a PostgreSQL URL reaches pg_dump and psql
// through the environment or a 0600 service file, never their argv.
func TestPostgresSecretsOffCommandLines(t *testing.T) {
	argvLog, envLog := recordingTools(t)
	tests := []struct {
		name string
		// move turns the role's password into the URL form under test.
		move func(params map[string]string, pw string) (userinfoPW string)
		env  []string
	}{
		{"userinfo", func(map[string]string, string) string { return "keep" }, []string{"PGPASSWORD"}},
		{"password parameter", func(p map[string]string, pw string) string { p["password"] = pw; return "" }, []string{"PGPASSWORD"}},
		{"sslpassword parameter", func(p map[string]string, _ string) string {
			p["sslpassword"] = "sslsecret-Qx7"
			return "keep"
		}, []string{"PGPASSWORD", "PGSERVICEFILE", "servicefile-mode=600"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(argvLog)
			os.Remove(envLog)
			tg, secret := passwordTarget(t)
			if tt.move(tg.Params, secret) == "" {
				tg.Password = ""
			}
			secrets := append(tg.Secrets(), secret)
			db := openDB(t, tg)
			seed(t, db, 2)
			dir := t.TempDir()
			m := create(t, db, Options{Dir: dir})
			if _, err := planAndRestore(context.Background(), db, RestoreOptions{Dir: dir, Ref: m.ID}); err != nil {
				t.Fatalf("restore: %v", err)
			}
			argv, _ := os.ReadFile(argvLog)
			env, _ := os.ReadFile(envLog)
			if !strings.Contains(string(argv), "pg_dump") || !strings.Contains(string(argv), "psql") {
				t.Fatalf("the wrappers did not run:\n%s", argv)
			}
			for _, s := range secrets {
				if strings.Contains(string(argv), s) {
					t.Errorf("a child's argv holds secret %q:\n%s", s, argv)
				}
				if strings.Contains(m.Database.Display, s) {
					t.Errorf("manifest display %q holds a secret", m.Database.Display)
				}
			}
			for _, name := range tt.env {
				if !strings.Contains(string(env), name+"\n") && !strings.Contains(string(env), name+" ") {
					t.Errorf("children's environment lacks %s:\n%s", name, env)
				}
			}
			for _, line := range strings.Split(string(env), "\n") {
				if _, p, ok := strings.Cut(line, "servicefile-path="); ok {
					if _, err := os.Stat(p); err == nil {
						t.Errorf("service file %s left behind", p)
					}
				}
			}
		})
	}
}
