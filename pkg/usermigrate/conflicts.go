package usermigrate

import (
	"context"
	"fmt"
)

// resolveConflicts marks conflicting rows in r.st from the keys the
// preflight wrote to the staging tables (staging.go). Emails are resolved
// first, then usernames among the rows still standing. With skip, the
// earliest row of a group (created_at, then id) wins; with fail every row of
// a group is rejected. A row whose key an existing auth user holds is always
// rejected. The database finds the groups; only their members come back,
// one group at a time, so memory does not grow with the table.
func (r *runner) resolveConflicts(ctx context.Context) error {
	for _, k := range []struct{ col, code string }{{"email", CodeConflictEmail}, {"username", CodeConflictUsername}} {
		rows, err := r.tx.QueryxContext(ctx, conflictQuery(k.col))
		if err != nil {
			return fmt.Errorf("find %s conflicts: %w", k.col, err)
		}
		res := resolver{st: r.st, policy: r.o.OnConflict, code: k.code}
		for rows.Next() {
			var ord int64
			var key string
			var taken int
			if err := rows.Scan(&ord, &key, &taken); err != nil {
				rows.Close()
				return fmt.Errorf("find %s conflicts: %w", k.col, err)
			}
			res.add(uint32(ord), key, taken != 0)
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("find %s conflicts: %w", k.col, err)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("find %s conflicts: %w", k.col, err)
		}
	}
	return nil
}

// conflictQuery returns the rows whose canonical key (col) another row or
// an existing auth user shares, in (key, created_at, position) order, with a
// flag for keys an auth user holds.
func conflictQuery(col string) string {
	return `SELECT k.ord, k.` + col + `, CASE WHEN EXISTS (SELECT 1 FROM ` + stageAuth + ` a WHERE a.` + col + ` = k.` + col + `) THEN 1 ELSE 0 END
FROM ` + stageKeys + ` k
WHERE k.` + col + ` IN (SELECT ` + col + ` FROM ` + stageKeys + ` GROUP BY ` + col + ` HAVING COUNT(*) > 1)
   OR k.` + col + ` IN (SELECT ` + col + ` FROM ` + stageAuth + `)
ORDER BY k.` + col + `, k.created, k.ord`
}

// resolver applies the conflict rules to one key's groups as their members
// stream by in (key, created_at, position) order. It holds at most one
// position: the first standing member of the current group.
type resolver struct {
	st     []status
	policy ConflictPolicy
	code   string

	key      string
	started  bool
	taken    bool
	first    uint32 // the group's first standing member
	standing int    // standing members seen so far in the group
}

func (v *resolver) add(ord uint32, key string, taken bool) {
	if !v.started || key != v.key {
		v.key, v.started, v.taken, v.standing = key, true, taken, 0
	}
	if v.st[ord].rejected() {
		return // rejected by the email pass: no longer part of the group
	}
	if v.taken {
		v.st[ord] = reject(v.code, againstAuth)
		return
	}
	v.standing++
	switch {
	case v.standing == 1:
		v.first = ord
	case v.policy == ConflictSkip:
		v.st[ord] = reject(v.code, againstLegacy)
	default: // fail: every standing member of the group goes
		if v.standing == 2 {
			v.st[v.first] = reject(v.code, againstLegacy)
		}
		v.st[ord] = reject(v.code, againstLegacy)
	}
}
