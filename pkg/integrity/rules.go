package integrity

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// rowRule is a check that is a predicate over auth_users rows (alias u):
// Run counts every selected rule in one scan of the table, and only the
// failing ones read examples.
type rowRule struct {
	// pred is a boolean SQL expression with ? parameters bound to args.
	pred func(e *env) (sql string, args []any)
	// detail is a text SQL expression saying what is wrong with a row; it
	// never includes the password hash.
	detail func(e *env) string
}

func (e *env) findRule(ctx context.Context, id string, r *rowRule) (Finding, error) {
	if why := e.needs(e.users); why != "" {
		return Finding{Skipped: why}, nil
	}
	pred, args := r.pred(e)
	n, ok := e.counts[id]
	if !ok {
		var err error
		n, err = e.count(ctx, id, "SELECT COUNT(*) FROM "+e.users+" u WHERE "+pred, args...)
		if err != nil {
			return Finding{}, err
		}
	}
	f := Finding{Count: n, Examples: []Example{}}
	if n == 0 {
		return f, nil
	}
	ex, err := e.examples(ctx, id, "SELECT CAST(u.id AS TEXT), u.email, "+r.detail(e)+
		" FROM "+e.users+" u WHERE "+pred+" ORDER BY u.id LIMIT ?", append(args, e.o.ExampleLimit)...)
	f.Examples = ex
	return f, err
}

// countRules counts every selected rule check in one scan of auth_users,
// along with the rows the duplicate checks need to group.
func (e *env) countRules(ctx context.Context, checks []Check) error {
	if !e.has(e.users) {
		return nil
	}
	var cols []string
	var args []any
	var ids []string
	for _, c := range checks {
		if c.rule == nil {
			continue
		}
		pred, a := c.rule.pred(e)
		cols = append(cols, "COUNT(*) FILTER (WHERE "+pred+")")
		args = append(args, a...)
		ids = append(ids, c.ID)
	}
	for _, k := range []dupKey{emailKey, usernameKey} {
		if slices.ContainsFunc(checks, func(c Check) bool { return c.ID == k.id }) {
			cols = append(cols, "COUNT(*) FILTER (WHERE "+k.nonCanonicalPred(e.d)+")")
			ids = append(ids, k.counter())
		}
	}
	if len(cols) == 0 {
		return nil
	}
	vals := make([]int64, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	q := e.bind("SELECT " + strings.Join(cols, ", ") + " FROM " + e.users + " u")
	if err := e.q.QueryRowxContext(ctx, q, args...).Scan(dest...); err != nil {
		return err
	}
	for i, id := range ids {
		e.counts[id] = vals[i]
	}
	return nil
}

func strArgs(vals []string) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

func text(sql string) func(*env) string { return func(*env) string { return sql } }

var missingFieldsRule = &rowRule{
	pred: func(e *env) (string, []any) {
		email, username := e.d.TrimSQL("u.email"), e.d.TrimSQL("u.username")
		return `(u.email IS NULL OR ` + email + ` = '' OR u.username IS NULL OR ` + username + ` = ''` +
			` OR u.password_hash IS NULL OR u.password_hash = '')`, nil
	},
	detail: func(e *env) string {
		email, username := e.d.TrimSQL("u.email"), e.d.TrimSQL("u.username")
		return `'missing:' || CASE WHEN u.email IS NULL OR ` + email + ` = '' THEN ' email' ELSE '' END` +
			` || CASE WHEN u.username IS NULL OR ` + username + ` = '' THEN ' username' ELSE '' END` +
			` || CASE WHEN u.password_hash IS NULL OR u.password_hash = '' THEN ' password_hash' ELSE '' END`
	},
}

var malformedEmailsRule = &rowRule{
	pred: func(e *env) (string, []any) {
		return "(u.email IS NOT NULL AND " + e.d.TrimSQL("u.email") + " <> '' AND NOT " + e.d.ValidEmailSQL("u.email", e.o.Target.Rules.MaxEmailLen) + ")", nil
	},
	detail: text(`'does not match the application''s email rule'`),
}

var invalidUsernamesRule = &rowRule{
	pred: func(e *env) (string, []any) {
		return "(u.username IS NOT NULL AND " + e.d.TrimSQL("u.username") + " <> '' AND NOT " + e.d.ValidUsernameSQL("u.username", e.o.Target.Rules.MaxUsernameLen) + ")", nil
	},
	detail: func(e *env) string {
		return fmt.Sprintf(`'username longer than %d characters, or holding a control character or bytes that are not UTF-8'`,
			e.o.Target.Rules.MaxUsernameLen)
	},
}

// timestampsRule covers the target's timestamp columns
// (Profile.Columns.Timestamps): every one dhmig writes, and those the
// application writes later.
var timestampsRule = &rowRule{
	pred: func(e *env) (string, []any) {
		var parts []string
		var args []any
		for _, c := range e.o.Target.Columns.Timestamps {
			p, a := e.d.PlausibleTimeSQL("u."+c, e.now)
			parts = append(parts, "NOT (u."+c+" IS NULL OR "+p+")")
			args = append(args, a...)
		}
		return "(" + strings.Join(parts, " OR ") + ")", args
	},
	detail: func(e *env) string {
		return `'a timestamp (` + strings.Join(e.o.Target.Columns.Timestamps, ", ") +
			`) before 1970, more than a day ahead, or stored in a form the application misreads'`
	},
}

var unknownStatusRule = &rowRule{
	pred: func(e *env) (string, []any) {
		return "(u.status IS NULL OR u.status NOT IN (" + marks(len(e.o.KnownStatuses)) + "))", strArgs(e.o.KnownStatuses)
	},
	detail: text(`'status ' || COALESCE('''' || u.status || '''', 'NULL')`),
}

var unknownRolesRule = &rowRule{
	pred: func(e *env) (string, []any) {
		return e.d.UnknownRolesSQL(e.rolesList(), e.o.KnownRoles)
	},
	detail: func(e *env) string { return "'roles ' || " + e.d.RolesTextSQL("u.roles") },
}

// hashSchemeRule names the family of a rejected hash from its prefix only,
// so no part of the hash itself reaches a report.
var hashSchemeRule = &rowRule{
	pred: func(e *env) (string, []any) {
		return "(u.password_hash IS NOT NULL AND u.password_hash <> '' AND NOT " +
			e.d.AcceptedBcryptSQL("u.password_hash") + ")", nil
	},
	detail: text(`CASE` +
		` WHEN substr(u.password_hash, 1, 7) = 'pbkdf2_' THEN 'Django PBKDF2 hash'` +
		` WHEN substr(u.password_hash, 1, 7) = 'argon2$' THEN 'Django argon2 hash'` +
		` WHEN substr(u.password_hash, 1, 14) = 'bcrypt_sha256$' THEN 'Django bcrypt_sha256 hash'` +
		` WHEN substr(u.password_hash, 1, 7) = 'pbkdf2:' THEN 'Werkzeug pbkdf2 hash'` +
		` WHEN substr(u.password_hash, 1, 7) = 'scrypt:' THEN 'Werkzeug scrypt hash'` +
		` WHEN substr(u.password_hash, 1, 7) = '$argon2' THEN 'argon2 hash'` +
		` WHEN substr(u.password_hash, 1, 2) = '$2' THEN 'bcrypt-like hash with an unaccepted variant, cost or length'` +
		` ELSE 'unrecognised hash scheme (' || length(u.password_hash) || ' characters)' END`),
}

// activeUnverifiedRule: an active user the application would ask to verify
// first. For a target with an email_verified flag the flag must be true
// too (the app checks the flag, not the timestamp).
var activeUnverifiedRule = &rowRule{
	pred: func(e *env) (string, []any) {
		c := e.o.Target.Columns
		unverified := "u." + c.VerifiedAt + " IS NULL"
		if c.VerifiedFlag != "" {
			unverified += " OR u." + c.VerifiedFlag + " IS NULL OR NOT u." + c.VerifiedFlag
		}
		return "(u.status = ? AND (" + unverified + "))", []any{e.o.Target.Status.Active}
	},
	detail: func(e *env) string {
		c := e.o.Target.Columns
		if c.VerifiedFlag == "" {
			return `'status active but ` + c.VerifiedAt + ` is NULL'`
		}
		return `'status ` + e.o.Target.Status.Active + ` but not ` + c.VerifiedFlag + ` with ` + c.VerifiedAt + ` set'`
	},
}

// rolesList is the roles column in the form the dialect's role fragments
// take.
func (e *env) rolesList() string { return e.d.RolesListSQL("u.roles", e.o.Target.Roles.JSON) }

// marks is n comma-separated ? placeholders.
func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
