package cli

import (
	"fmt"
	"io"
	"sort"

	"github.com/dhafnckmcp/dhmig/pkg/metrics"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

func writeMetrics(w io.Writer, format output.Format, snap metrics.Snapshot) error {
	switch format {
	case output.JSON:
		return output.WriteJSON(w, snap)
	case output.Prometheus:
		return writeMetricsPrometheus(w, snap)
	default:
		return writeMetricsTable(w, snap)
	}
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func optional(n *int64) string {
	if n == nil {
		return "-"
	}
	return fmt.Sprint(*n)
}

func writeMetricsTable(w io.Writer, s metrics.Snapshot) error {
	rows := [][]string{
		{"total_users", "", fmt.Sprint(s.TotalUsers)},
		{"active_users", "", fmt.Sprint(s.ActiveUsers)},
		{"locked_accounts", "", fmt.Sprint(s.LockedAccounts)},
		{"unverified_users", "", fmt.Sprint(s.UnverifiedUsers)},
	}
	for _, k := range sortedKeys(s.UsersByStatus) {
		rows = append(rows, []string{"users_by_status", "status=" + k, fmt.Sprint(s.UsersByStatus[k])})
	}
	for _, k := range sortedKeys(s.UsersByRole) {
		rows = append(rows, []string{"users_by_role", "role=" + k, fmt.Sprint(s.UsersByRole[k])})
	}
	rows = append(rows,
		[]string{"temp_password_users", "", optional(s.TempPasswordUsers)},
		[]string{"legacy_users", "table=" + s.LegacyTable, optional(s.LegacyUsers)},
		[]string{"migrated_users", "", optional(s.MigratedUsers)},
		[]string{"rejected_legacy_users", "", optional(s.RejectedLegacyUsers)},
	)
	if t := s.RefreshTokens; t != nil {
		rows = append(rows,
			[]string{"refresh_tokens", "state=active", fmt.Sprint(t.Active)},
			[]string{"refresh_tokens", "state=revoked", fmt.Sprint(t.Revoked)},
			[]string{"refresh_tokens", "state=expired", fmt.Sprint(t.Expired)})
	} else {
		rows = append(rows, []string{"refresh_tokens", "", "-"})
	}
	if err := output.WriteTable(w, []string{"METRIC", "LABELS", "VALUE"}, rows); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "collected at %s (- means the table does not exist)\n", metricsTime(s.CollectedAt))
	return err
}

func gauge(name, help string, v int64) output.Gauge {
	return output.Gauge{Name: name, Help: help, Samples: []output.Sample{{Value: float64(v)}}}
}

func labelled(name, help, label string, m map[string]int64) output.Gauge {
	g := output.Gauge{Name: name, Help: help}
	for _, k := range sortedKeys(m) {
		g.Samples = append(g.Samples, output.Sample{Labels: map[string]string{label: k}, Value: float64(m[k])})
	}
	return g
}

// writeMetricsPrometheus names every series dhmig_*; counts of tables that
// do not exist are left out rather than reported as zero.
func writeMetricsPrometheus(w io.Writer, s metrics.Snapshot) error {
	gs := []output.Gauge{
		gauge("dhmig_users", "Users in auth_users (the guide's total_users).", s.TotalUsers),
		gauge("dhmig_users_active", "Users with status active (the guide's active_users).", s.ActiveUsers),
		gauge("dhmig_users_locked", "Users with is_locked set (the guide's locked_accounts).", s.LockedAccounts),
		gauge("dhmig_users_unverified", "Users with status pending_verification (the guide's unverified_users).", s.UnverifiedUsers),
		labelled("dhmig_users_by_status", "Users by status.", "status", s.UsersByStatus),
		labelled("dhmig_users_by_role", "Users holding each role.", "role", s.UsersByRole),
	}
	if s.TempPasswordUsers != nil {
		gs = append(gs, gauge("dhmig_users_temp_password", "Migrated users who must reset a temporary password.", *s.TempPasswordUsers))
	}
	if s.LegacyUsers != nil {
		gs = append(gs, output.Gauge{Name: "dhmig_legacy_users", Help: "Rows in the legacy user table.",
			Samples: []output.Sample{{Labels: map[string]string{"table": s.LegacyTable}, Value: float64(*s.LegacyUsers)}}})
	}
	if s.MigratedUsers != nil {
		gs = append(gs, gauge("dhmig_migrated_users", "Legacy rows migrated into auth_users (dhmig_user_map).", *s.MigratedUsers))
	}
	if s.RejectedLegacyUsers != nil {
		gs = append(gs, gauge("dhmig_rejected_legacy_users", "Legacy rows the latest migration rejected (dhmig_rejects).", *s.RejectedLegacyUsers))
	}
	if t := s.RefreshTokens; t != nil {
		gs = append(gs, labelled("dhmig_refresh_tokens", "Refresh tokens by state: active, revoked, expired.", "state",
			map[string]int64{"active": t.Active, "revoked": t.Revoked, "expired": t.Expired}))
	}
	gs = append(gs, output.Gauge{Name: "dhmig_metrics_collected_timestamp_seconds", Help: "When dhmig collected these metrics, in Unix seconds.",
		Samples: []output.Sample{{Value: float64(s.CollectedAt.Unix())}}})
	return output.WritePrometheus(w, gs)
}
