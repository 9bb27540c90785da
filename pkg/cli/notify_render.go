package cli

import (
	"fmt"
	"strconv"

	"github.com/dhafnckmcp/dhmig/pkg/notify"
	"github.com/dhafnckmcp/dhmig/pkg/output"
)

func templateLabel(name, sha string) string {
	return fmt.Sprintf("%s (sha256 %s)", name, sha[:12])
}

func writeNotifyDryRun(f *Factory, out notifyDryRun) error {
	w := f.IO.Out
	if out.Outbox != "" {
		fmt.Fprintf(w, "OUTBOX: wrote %d messages to %s — nothing was sent and nothing written to the database.\n", out.OutboxFiles, out.Outbox)
	} else {
		fmt.Fprintln(w, "DRY RUN: nothing was sent and nothing written. Use --execute to send, --sample N to read letters.")
	}
	n := strconv.Itoa
	rows := [][]string{
		{"database", out.Database},
		{"template", templateLabel(out.Template, out.TemplateSHA256)},
		{"audience", string(out.Audience)},
		{"recipients", n(out.Recipients)},
		{"already sent", n(out.Sent)},
		{"failed (not retried without --retry-failed)", n(out.Failed)},
		{"in doubt (not re-sent without --retry-failed)", n(out.InDoubt)},
		{"would send", n(out.Due)},
		{"with the temporary-password paragraph", n(out.DueTempPassword)},
	}
	return output.WriteTable(w, []string{"ITEM", "VALUE"}, rows)
}

func writeNotifyExecuted(f *Factory, out notifyExecuted) error {
	w := f.IO.Out
	switch {
	case out.Interrupted:
		fmt.Fprintf(w, "INTERRUPTED: sent %d of %d messages; the rest are pending for the next run.\n", out.Sent, out.Due)
	case out.Due == 0:
		fmt.Fprintln(w, "Nothing to send: every user of the audience was sent this letter (or is failed or in doubt: see --status).")
	default:
		fmt.Fprintf(w, "Sent %d of %d messages.\n", out.Sent, out.Due)
	}
	n := strconv.Itoa
	rows := [][]string{
		{"database", out.Database},
		{"template", templateLabel(out.Template, out.TemplateSHA256)},
		{"audience", string(out.Audience)},
		{"recipients", n(out.Before.Recipients)},
		{"already sent before", n(out.Before.Sent)},
		{"due", n(out.Due)},
		{"sent", n(out.Sent)},
		{"failed permanently", n(out.Failed)},
		{"deferred (pending)", n(out.Deferred)},
		{"in doubt", n(out.InDoubt)},
		{"skipped (another run)", n(out.Skipped)},
		{"duration", fmt.Sprintf("%.2fs", out.DurationSec)},
		{"run id", out.RunID},
	}
	return output.WriteTable(w, []string{"ITEM", "VALUE"}, rows)
}

func writeNotifyStatus(f *Factory, st notify.Status) error {
	w := f.IO.Out
	n := strconv.Itoa
	rows := [][]string{
		{"template", templateLabel(st.Template, st.TemplateSHA256)},
		{"audience", string(st.Audience)},
		{"recipients", n(st.Recipients)},
		{"sent", n(st.Sent)},
		{"failed", n(st.Failed)},
		{"pending", n(st.Pending)},
		{"in doubt", n(st.InDoubt)},
	}
	if err := output.WriteTable(w, []string{"ITEM", "VALUE"}, rows); err != nil {
		return err
	}
	if len(st.Problems) == 0 {
		return nil
	}
	prob := make([][]string, 0, len(st.Problems))
	for _, e := range st.Problems {
		state := e.Status
		if state == notify.StateSending {
			state = "in doubt"
		}
		prob = append(prob, []string{e.UserID, state, n(e.Attempts), deref(e.LastErrorCode), deref(e.LastError)})
	}
	fmt.Fprintln(w)
	return output.WriteTable(w, []string{"USER ID", "STATE", "ATTEMPTS", "CODE", "LAST ERROR"}, prob)
}

func deref(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}
