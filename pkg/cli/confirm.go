package cli

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/config"
)

// confirm asks a yes/no question on the terminal; without a terminal it
// requires --yes, so a runbook never hangs on a prompt it cannot see.
func (f *Factory) confirm(action string) error {
	if f.Global.Yes {
		return nil
	}
	if !f.IO.CanPrompt() {
		return usageErrorf("refusing to %s without confirmation: no terminal to ask on; pass --yes", action)
	}
	fmt.Fprintf(f.IO.ErrOut, "About to %s. Continue? [y/N] ", action)
	line, _ := bufio.NewReader(f.IO.In).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return usageErrorf("%s: not confirmed", action)
}

// confirmProduction asks before a write when MIGRATION_ENV=production;
// action has one %s for the redacted database.
func (f *Factory) confirmProduction(cfg *config.Config, action string) error {
	if !cfg.IsProduction() {
		return nil
	}
	t, err := f.Target()
	if err != nil {
		return err
	}
	return f.confirm(fmt.Sprintf(action, t.Redacted()))
}
