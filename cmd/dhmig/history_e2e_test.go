package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestHistoryRecordsWritingRuns checks the audit trail: schema runs land in
// dhmig_runs (listed by `dhmig history`) and as JSON lines in the log.
func TestHistoryRecordsWritingRuns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, tg database.Target) {
		dir := t.TempDir()
		logFile := filepath.Join(dir, "logs", "migration.log")
		env := []string{"DATABASE_URL=" + dbtest.URL(tg), "MIGRATION_LOG=" + logFile}

		r := runDhmig(t, dir, env, "history")
		mustCode(t, r, 0)
		if !strings.Contains(r.Stdout, "no runs recorded") {
			t.Errorf("history before schema up:\n%s", r)
		}
		mustCode(t, runDhmig(t, dir, env, "schema", "up"), 0)
		mustCode(t, runDhmig(t, dir, env, "schema", "up"), 0)

		r = runDhmig(t, dir, env, "history", "-o", "json")
		mustCode(t, r, 0)
		var doc struct {
			Runs []struct {
				ID, Command, Outcome string
				Version              string `json:"dhmig_version"`
				OSUser               string `json:"os_user"`
				DryRun               bool   `json:"dry_run"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
			t.Fatalf("history json: %v\n%s", err, r)
		}
		if len(doc.Runs) != 2 {
			t.Fatalf("want 2 runs, got %+v", doc.Runs)
		}
		for _, run := range doc.Runs {
			if run.Command != "schema up" || run.Outcome != "ok" || run.Version == "" || run.OSUser == "" || run.DryRun {
				t.Errorf("run = %+v", run)
			}
		}
		if doc.Runs[0].ID <= doc.Runs[1].ID {
			t.Errorf("runs not newest first: %s then %s", doc.Runs[0].ID, doc.Runs[1].ID)
		}

		fh, err := os.Open(logFile)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		finished := map[string]bool{}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			var line map[string]any
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				t.Fatalf("log line is not JSON: %q", sc.Text())
			}
			if line["msg"] == "run finished" {
				finished[line["run_id"].(string)] = line["recorded_in_db"] == true
			}
		}
		for _, run := range doc.Runs {
			if !finished[run.ID] {
				t.Errorf("run %s has no recorded 'run finished' log line (log: %v)", run.ID, finished)
			}
		}
	})
}
