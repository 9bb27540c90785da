package integrity

import (
	"context"
	"fmt"
	"slices"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// dupKey is a column compared on its canonical form.
type dupKey struct {
	id  string // the check id
	col string // auth_users column
	// canon is the canonical form over alias u, the rule book's SQL form.
	canon  func(d database.CheckSQL) string
	detail string // text SQL expression over d.k (the key) and d.n (the group size)
}

var (
	emailKey = dupKey{id: "data.duplicate_emails", col: "email",
		canon:  func(d database.CheckSQL) string { return d.CanonEmailSQL("u.email") },
		detail: `'email shared by ' || d.n || ' users (case-insensitive, trimmed)'`}
	usernameKey = dupKey{id: "data.duplicate_usernames", col: "username",
		canon:  func(d database.CheckSQL) string { return d.TrimSQL("u.username") },
		detail: `'username ''' || d.k || ''' shared by ' || d.n || ' users (trimmed)'`}
)

// nonCanonicalPred is true for rows whose stored value differs from its
// canonical form; Run counts them in its single scan.
func (k dupKey) nonCanonicalPred(d database.CheckSQL) string {
	return fmt.Sprintf("(u.%s IS NOT NULL AND %s <> '' AND u.%s <> %s)", k.col, d.TrimSQL("u."+k.col), k.col, k.canon(d))
}

func (k dupKey) counter() string { return "noncanonical." + k.col }

func findDuplicateEmails(ctx context.Context, e *env) (Finding, error) {
	return findDuplicates(ctx, e, emailKey)
}

func findDuplicateUsernames(ctx context.Context, e *env) (Finding, error) {
	return findDuplicates(ctx, e, usernameKey)
}

// findDuplicates counts rows sharing a canonical key. With a UNIQUE index on
// the column, two rows can only collide when at least one of them is stored
// in a non-canonical form (capitals, blanks): if Run's scan found none, there
// is nothing to group, and otherwise only those rows are grouped and looked
// up by their canonical key. Without the index every row is grouped.
func findDuplicates(ctx context.Context, e *env, k dupKey) (Finding, error) {
	if why := e.needs(e.users); why != "" {
		return Finding{Skipped: why}, nil
	}
	unique, err := e.uniqueOn(ctx, k.col)
	if err != nil {
		return Finding{}, err
	}
	nonEmpty := fmt.Sprintf("u.%s IS NOT NULL AND %s <> ''", k.col, e.d.TrimSQL("u."+k.col))
	canon := k.canon(e.d)
	var n int64
	switch nc, counted := e.counts[k.counter()]; {
	case unique && counted && nc == 0:
		n = 0
	case unique:
		n, err = e.count(ctx, k.id, fmt.Sprintf(`SELECT SUM(t.n) FROM (SELECT g.n + CASE WHEN EXISTS`+
			` (SELECT 1 FROM %[4]s x WHERE x.%[1]s = g.k) THEN 1 ELSE 0 END AS n`+
			` FROM (SELECT %[2]s AS k, COUNT(*) AS n FROM %[4]s u WHERE %[3]s GROUP BY %[2]s) g) t WHERE t.n > 1`,
			k.col, canon, k.nonCanonicalPred(e.d), e.users))
	default:
		n, err = e.count(ctx, k.id, "SELECT SUM(d.n) FROM ("+e.groups(canon, nonEmpty)+") d")
	}
	if err != nil {
		return Finding{}, err
	}
	f := Finding{Count: n, Examples: []Example{}}
	if n == 0 {
		return f, nil
	}
	f.Examples, err = e.examples(ctx, k.id, "SELECT CAST(u.id AS TEXT), u.email, "+k.detail+
		" FROM "+e.users+" u JOIN ("+e.groups(canon, nonEmpty)+") d ON "+canon+" = d.k ORDER BY d.k, u.id LIMIT ?", e.o.ExampleLimit)
	return f, err
}

// groups is every canonical key shared by more than one row.
func (e *env) groups(canon, where string) string {
	return "SELECT " + canon + " AS k, COUNT(*) AS n FROM " + e.users + " u WHERE " + where +
		" GROUP BY " + canon + " HAVING COUNT(*) > 1"
}

// uniqueOn reports whether the user table has a UNIQUE index on exactly col.
func (e *env) uniqueOn(ctx context.Context, col string) (bool, error) {
	if e.userIndexes == nil {
		ix, err := e.d.Indexes(ctx, e.q, e.users)
		if err != nil {
			return false, fmt.Errorf("indexes of %s: %w", e.users, err)
		}
		e.userIndexes = append([]database.Index{}, ix...)
	}
	return slices.ContainsFunc(e.userIndexes, func(ix database.Index) bool {
		return ix.Unique && slices.Equal(ix.Columns, []string{col})
	}), nil
}
