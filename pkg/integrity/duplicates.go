package integrity

import "context"

// dupCheck finds rows whose canonical key (an SQL expression over alias u)
// is shared by another row; blank keys are data.missing_fields' business.
func dupCheck(ctx context.Context, e *env, id, key, col, detail string) (Finding, error) {
	if why := e.needs(tUsers); why != "" {
		return Finding{Skipped: why}, nil
	}
	groups := "SELECT " + key + " AS k, COUNT(*) AS n FROM auth_users u WHERE u." + col + " IS NOT NULL AND trim(u." + col +
		") <> '' GROUP BY " + key + " HAVING COUNT(*) > 1"
	n, err := e.count(ctx, id, "SELECT SUM(d.n) FROM ("+groups+") d")
	if err != nil {
		return Finding{}, err
	}
	f := Finding{Count: n, Examples: []Example{}}
	if n == 0 {
		return f, nil
	}
	f.Examples, err = e.examples(ctx, id, "SELECT CAST(u.id AS TEXT), u.email, "+detail+
		" FROM auth_users u JOIN ("+groups+") d ON "+key+" = d.k ORDER BY d.k, u.id LIMIT ?", e.o.ExampleLimit)
	return f, err
}

func findDuplicateEmails(ctx context.Context, e *env) (Finding, error) {
	return dupCheck(ctx, e, "data.duplicate_emails", "lower(trim(u.email))", "email",
		`'email shared by ' || d.n || ' users (case-insensitive, trimmed)'`)
}

func findDuplicateUsernames(ctx context.Context, e *env) (Finding, error) {
	return dupCheck(ctx, e, "data.duplicate_usernames", "trim(u.username)", "username",
		`'username ''' || d.k || ''' shared by ' || d.n || ' users (trimmed)'`)
}
