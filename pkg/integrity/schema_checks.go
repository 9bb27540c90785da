package integrity

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// The target's tables (Profile.Tables) are required. dhmig's bookkeeping
// tables are optional: without them the parity checks are skipped, not
// failed, so a schema migrated by hand with the guide's SQL still verifies.

// uniqueColumns must carry a UNIQUE index, whatever its name.
var uniqueColumns = []string{"email", "username"}

func findTables(_ context.Context, e *env) (Finding, error) {
	f := Finding{Examples: []Example{}}
	for _, t := range e.o.Target.Tables {
		if !e.has(t) {
			f.add(e, Example{ID: t, Detail: "table missing (dhmig schema up creates it)"})
		}
	}
	return f, nil
}

func findIndexes(ctx context.Context, e *env) (Finding, error) {
	f := Finding{Examples: []Example{}}
	byTable := map[string][]database.Index{}
	for _, t := range e.o.Target.Tables {
		if !e.has(t) {
			continue // schema.tables reports it
		}
		ix, err := e.d.Indexes(ctx, e.q, t)
		if err != nil {
			return f, fmt.Errorf("indexes of %s: %w", t, err)
		}
		byTable[t] = ix
	}
	for _, w := range e.o.Target.Indexes {
		list, ok := byTable[w.Table]
		if !ok {
			continue
		}
		i := slices.IndexFunc(list, func(ix database.Index) bool { return ix.Name == w.Name })
		switch {
		case i < 0:
			f.add(e, Example{ID: w.Name, Detail: fmt.Sprintf("index missing: want %s(%s)", w.Table, w.Column)})
		case !slices.Equal(list[i].Columns, []string{w.Column}):
			f.add(e, Example{ID: w.Name, Detail: fmt.Sprintf("index is on (%s), want %s(%s)",
				strings.Join(list[i].Columns, ", "), w.Table, w.Column)})
		}
	}
	if list, ok := byTable[e.users]; ok {
		for _, col := range uniqueColumns {
			if !slices.ContainsFunc(list, func(ix database.Index) bool {
				return ix.Unique && slices.Equal(ix.Columns, []string{col})
			}) {
				f.add(e, Example{ID: e.users + "." + col, Detail: fmt.Sprintf("no UNIQUE index on %s(%s)", e.users, col)})
			}
		}
	}
	return f, nil
}

func findForeignKeys(ctx context.Context, e *env) (Finding, error) {
	f := Finding{Examples: []Example{}}
	for _, t := range []string{e.tokens, tMap} {
		if t == "" || !e.has(t) || !e.has(e.users) {
			continue // schema.tables reports the guide's; dhmig_user_map is optional
		}
		fks, err := e.d.ForeignKeys(ctx, e.q, t)
		if err != nil {
			return f, fmt.Errorf("foreign keys of %s: %w", t, err)
		}
		id := t + ".user_id"
		i := slices.IndexFunc(fks, func(fk database.ForeignKey) bool {
			return fk.Column == "user_id" && fk.RefTable == e.users && (fk.RefColumn == "id" || fk.RefColumn == "")
		})
		switch {
		case i < 0:
			f.add(e, Example{ID: id, Detail: "no foreign key to " + e.users + "(id)"})
		case !strings.EqualFold(fks[i].OnDelete, "CASCADE"):
			f.add(e, Example{ID: id, Detail: fmt.Sprintf("foreign key is ON DELETE %s, want CASCADE", fks[i].OnDelete)})
		}
	}
	return f, nil
}

// add counts an offending object and keeps it as an example under the cap.
func (f *Finding) add(e *env, ex Example) {
	f.Count++
	if len(f.Examples) < e.o.ExampleLimit {
		f.Examples = append(f.Examples, ex)
	}
}
