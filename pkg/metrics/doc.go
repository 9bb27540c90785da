// Package metrics owns the numbers an operator watches after cutover: user,
// role, temporary-password and refresh-token counts, read set-based.
package metrics
