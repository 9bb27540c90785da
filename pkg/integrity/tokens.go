package integrity

import "context"

func findOrphanTokens(ctx context.Context, e *env) (Finding, error) {
	const id = "data.orphan_refresh_tokens"
	if e.tokens == "" {
		return Finding{Skipped: "target " + e.o.Target.Name + " has no refresh-token table"}, nil
	}
	if why := e.needs(e.users, e.tokens); why != "" {
		return Finding{Skipped: why}, nil
	}
	orphanTokens := ` FROM ` + e.tokens + ` t WHERE t.user_id IS NULL` +
		` OR NOT EXISTS (SELECT 1 FROM ` + e.users + ` u WHERE u.id = t.user_id)`
	n, err := e.count(ctx, id, "SELECT COUNT(*)"+orphanTokens)
	if err != nil {
		return Finding{}, err
	}
	f := Finding{Count: n, Examples: []Example{}}
	if n == 0 {
		return f, nil
	}
	f.Examples, err = e.examples(ctx, id, `SELECT CAST(t.id AS TEXT), NULL, CASE WHEN t.user_id IS NULL`+
		` THEN 'refresh token without user_id' ELSE 'refresh token of missing user ' || CAST(t.user_id AS TEXT) END`+
		orphanTokens+" ORDER BY t.id LIMIT ?", e.o.ExampleLimit)
	return f, err
}
