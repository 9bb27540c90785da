package integrity

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// requiredTables are the guide's auth tables. dhmig's bookkeeping tables are
// optional: without them the parity checks are skipped, not failed, so a
// schema migrated by hand with the guide's SQL still verifies.
var requiredTables = []string{tUsers, tTokens}

// wantIndex is one of the guide's named indexes.
type wantIndex struct{ name, table, column string }

var requiredIndexes = []wantIndex{
	{"idx_auth_users_email", tUsers, "email"},
	{"idx_auth_users_username", tUsers, "username"},
	{"idx_auth_users_status", tUsers, "status"},
	{"idx_refresh_tokens_user_id", tTokens, "user_id"},
	{"idx_refresh_tokens_family", tTokens, "token_family"},
}

// uniqueColumns must carry a UNIQUE index, whatever its name.
var uniqueColumns = []string{"email", "username"}

func findTables(_ context.Context, e *env) (Finding, error) {
	f := Finding{Examples: []Example{}}
	for _, t := range requiredTables {
		if !e.has(t) {
			f.add(e, Example{ID: t, Detail: "table missing (dhmig schema up creates it)"})
		}
	}
	return f, nil
}

func findIndexes(ctx context.Context, e *env) (Finding, error) {
	f := Finding{Examples: []Example{}}
	byTable := map[string][]database.Index{}
	for _, t := range requiredTables {
		if !e.has(t) {
			continue // schema.tables reports it
		}
		ix, err := e.d.Indexes(ctx, e.q, t)
		if err != nil {
			return f, fmt.Errorf("indexes of %s: %w", t, err)
		}
		byTable[t] = ix
	}
	for _, w := range requiredIndexes {
		list, ok := byTable[w.table]
		if !ok {
			continue
		}
		i := slices.IndexFunc(list, func(ix database.Index) bool { return ix.Name == w.name })
		switch {
		case i < 0:
			f.add(e, Example{ID: w.name, Detail: fmt.Sprintf("index missing: want %s(%s)", w.table, w.column)})
		case !slices.Equal(list[i].Columns, []string{w.column}):
			f.add(e, Example{ID: w.name, Detail: fmt.Sprintf("index is on (%s), want %s(%s)",
				strings.Join(list[i].Columns, ", "), w.table, w.column)})
		}
	}
	if list, ok := byTable[tUsers]; ok {
		for _, col := range uniqueColumns {
			if !slices.ContainsFunc(list, func(ix database.Index) bool {
				return ix.Unique && slices.Equal(ix.Columns, []string{col})
			}) {
				f.add(e, Example{ID: tUsers + "." + col, Detail: fmt.Sprintf("no UNIQUE index on %s(%s)", tUsers, col)})
			}
		}
	}
	return f, nil
}

func findForeignKeys(ctx context.Context, e *env) (Finding, error) {
	f := Finding{Examples: []Example{}}
	for _, t := range []string{tTokens, tMap} {
		if !e.has(t) || !e.has(tUsers) {
			continue // schema.tables reports the guide's; dhmig_user_map is optional
		}
		fks, err := e.d.ForeignKeys(ctx, e.q, t)
		if err != nil {
			return f, fmt.Errorf("foreign keys of %s: %w", t, err)
		}
		id := t + ".user_id"
		i := slices.IndexFunc(fks, func(fk database.ForeignKey) bool {
			return fk.Column == "user_id" && fk.RefTable == tUsers && (fk.RefColumn == "id" || fk.RefColumn == "")
		})
		switch {
		case i < 0:
			f.add(e, Example{ID: id, Detail: "no foreign key to auth_users(id)"})
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
