package cli

import (
	"context"
	"slices"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// doctorTarget says which targets' user tables the database holds and
// whether the configured one is among them: a database that holds only
// another target's table is almost always a forgotten --target.
func doctorTarget(ctx context.Context, db *database.DB, p *target.Profile, rep *doctorReport, add func(string, string, string, ...any)) {
	tables, err := db.Dialect.Tables(ctx, db)
	if err != nil {
		add("target", checkFail, "cannot list tables: %v", err)
		return
	}
	var found []string
	for _, name := range target.Names() {
		t, _ := target.Lookup(name)
		if slices.Contains(tables, t.Users) {
			found = append(found, name+" ("+t.Users+")")
			rep.TargetsFound = append(rep.TargetsFound, name)
		}
	}
	switch {
	case len(found) == 0:
		add("target", checkOK, "--target %s; no target's user table exists yet", p.Name)
	case slices.Contains(rep.TargetsFound, p.Name):
		add("target", checkOK, "--target %s; found %s", p.Name, strings.Join(found, ", "))
	default:
		add("target", checkWarn, "--target %s, but the database holds %s: is --target right?", p.Name, strings.Join(found, ", "))
	}
}
